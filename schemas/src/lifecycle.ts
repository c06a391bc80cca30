import type { CallLifecycle } from './generated/events.js';

/**
 * A `call_ended` with reason `error` that a component records itself because the call's real end was never seen
 * (the gateway reconciling a lost callback, the sink sweeping a call that never ended). The event id names the
 * component, so a redelivered record is the same record.
 */
export function unseenCallEnd(
  callId: string,
  recordedBy: string,
  at: Date,
  detail: string | null,
): CallLifecycle {
  return {
    eventId: `${callId}:call_ended:${recordedBy}`,
    callId,
    type: 'call_ended',
    occurredAt: at,
    conferenceSid: null,
    callSid: null,
    role: null,
    sequenceNumber: null,
    callStatus: null,
    durationSec: null,
    endReason: 'error',
    endedBy: null,
    detail,
  };
}

/**
 * The smallest `CallRequested.maxTurns`: a call is at least the agent's greeting and one reply. With one turn the
 * greeting itself would be the closing line, decided before anyone answered, and the call would end unspoken.
 */
export const MIN_MAX_TURNS = 2;
