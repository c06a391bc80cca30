import type { CallLifecycle, ChannelRole, RecordingCompleted, ReplyReady, Role } from '@synthcall/schemas';

/**
 * Twilio status callbacks → synthcall lifecycle and recording events. Pure: the HTTP layer validates the parameters
 * and publishes what comes back; `null` means "nothing to publish" (a callback we do not track).
 */

/**
 * Recording channel → role. Twilio stores a conference recording dual-channel: channel 1 is the first participant to
 * join, channel 2 all other audio (Twilio changelog 2024-07-09; default since 2025-09-15). The customer joins first.
 */
export const CHANNEL_ROLES: readonly ChannelRole[] = [
  { channel: 1, role: 'customer' },
  { channel: 2, role: 'agent' },
];

export interface ConferenceCallback {
  callId: string;
  ConferenceSid: string;
  StatusCallbackEvent: string;
  SequenceNumber?: number | undefined;
  CallSid?: string | undefined;
  ParticipantLabel?: string | undefined;
  ReasonConferenceEnded?: string | undefined;
  occurredAt: Date;
}

const CONFERENCE_TYPES: Readonly<Record<string, CallLifecycle['type']>> = {
  'conference-start': 'conference_started',
  'conference-end': 'conference_ended',
  'participant-join': 'participant_joined',
  'participant-leave': 'participant_left',
};

export function roleFromLabel(label: string | undefined): Role | null {
  const lower = label?.toLowerCase();
  return lower === 'agent' || lower === 'customer' ? lower : null;
}

export function conferenceLifecycle(cb: ConferenceCallback): CallLifecycle | null {
  const type = CONFERENCE_TYPES[cb.StatusCallbackEvent];
  if (!type) return null;
  const concernsLeg = type === 'participant_joined' || type === 'participant_left';
  // A conference starts and ends once: those events are named by what happened, so the event reconciliation builds
  // from the REST API (which knows no SequenceNumber) is the same event as the callback's. A participant event is
  // named by its SequenceNumber, which makes a redelivered callback the same event.
  const position = concernsLeg
    ? (cb.SequenceNumber ?? `${cb.StatusCallbackEvent}:${cb.CallSid ?? ''}`)
    : cb.StatusCallbackEvent;
  return {
    eventId: `${cb.callId}:conference:${cb.ConferenceSid}:${position}`,
    callId: cb.callId,
    type,
    occurredAt: cb.occurredAt,
    conferenceSid: cb.ConferenceSid,
    callSid: concernsLeg ? (cb.CallSid ?? null) : null,
    role: concernsLeg ? roleFromLabel(cb.ParticipantLabel) : null,
    sequenceNumber: cb.SequenceNumber ?? null,
    callStatus: null,
    durationSec: null,
    endReason: null,
    endedBy: null,
    detail: type === 'conference_ended' ? (cb.ReasonConferenceEnded ?? null) : null,
  };
}

/**
 * The conference ended but the engine never ended the conversation (no `endCall` reply): synthcall's own record
 * of the end, so the dataset never holds a call without an end reason.
 */
export function unplannedEnd(cb: ConferenceCallback, detail?: string): CallLifecycle {
  return {
    eventId: `${cb.callId}:call_ended:gateway`,
    callId: cb.callId,
    type: 'call_ended',
    occurredAt: cb.occurredAt,
    conferenceSid: cb.ConferenceSid,
    callSid: null,
    role: null,
    sequenceNumber: cb.SequenceNumber ?? null,
    callStatus: null,
    durationSec: null,
    endReason: 'error',
    endedBy: null,
    detail:
      detail ??
      `conference ended without an end of conversation (${cb.ReasonConferenceEnded ?? 'no reason given'})`,
  };
}

/** The gateway ended the call itself (its closing fallback line was spoken): the engine stopped answering. */
export function gatewayEnd(reply: ReplyReady, detail: string): CallLifecycle {
  return {
    eventId: `${reply.callId}:call_ended:gateway`,
    callId: reply.callId,
    type: 'call_ended',
    occurredAt: reply.producedAt,
    conferenceSid: null,
    callSid: null,
    role: reply.role,
    sequenceNumber: null,
    callStatus: null,
    durationSec: null,
    endReason: reply.endReason,
    endedBy: reply.endedBy,
    detail,
  };
}

export interface CallStatusCallback {
  callId: string;
  role: Role | null;
  CallSid: string;
  CallStatus: string;
  CallDuration?: number | undefined;
  occurredAt: Date;
}

const FAILED_STATUSES = new Set(['busy', 'failed', 'no-answer', 'canceled']);

export function callLifecycle(cb: CallStatusCallback): CallLifecycle | null {
  let type: CallLifecycle['type'];
  if (cb.CallStatus === 'completed') type = 'call_completed';
  else if (FAILED_STATUSES.has(cb.CallStatus)) type = 'call_failed';
  else return null; // initiated / ringing / in-progress: progress, not lifecycle
  return {
    eventId: `${cb.callId}:call:${cb.CallSid}:${cb.CallStatus}`,
    callId: cb.callId,
    type,
    occurredAt: cb.occurredAt,
    conferenceSid: null,
    callSid: cb.CallSid,
    role: cb.role,
    sequenceNumber: null,
    callStatus: cb.CallStatus,
    durationSec: cb.CallDuration ?? null,
    endReason: null,
    endedBy: null,
    detail: null,
  };
}

export interface RecordingCallback {
  callId: string;
  RecordingSid: string;
  RecordingUrl: string;
  RecordingStatus: string;
  RecordingDuration: number;
  RecordingChannels: number;
  RecordingSource?: string | undefined;
  ConferenceSid?: string | undefined;
  completedAt: Date;
}

export function recordingCompleted(cb: RecordingCallback): RecordingCompleted | null {
  if (cb.RecordingStatus !== 'completed') return null;
  // The callback of a conference recording says RecordingChannels=1 (the default download is a mono mix), but the
  // stored file has both channels (fetched with RequestedChannels=2); a call-leg recording says what it has.
  const channels = cb.RecordingSource === 'Conference' ? 2 : cb.RecordingChannels;
  return {
    eventId: `${cb.callId}:recording:${cb.RecordingSid}`,
    callId: cb.callId,
    recordingSid: cb.RecordingSid,
    // The plain URL of a conference recording downloads a mono mix; the published one serves both channels.
    recordingUrl: cb.RecordingSource === 'Conference' ? withDualChannels(cb.RecordingUrl) : cb.RecordingUrl,
    conferenceSid: cb.ConferenceSid ?? null,
    channels,
    durationSec: cb.RecordingDuration,
    // A mono recording has no per-role channels to map.
    channelRoles: channels >= 2 ? [...CHANNEL_ROLES] : [],
    completedAt: cb.completedAt,
  };
}

/** Adds RequestedChannels=2 (Twilio's query for the dual-channel file of a conference recording). */
function withDualChannels(url: string): string {
  const u = new URL(url);
  u.searchParams.set('RequestedChannels', '2');
  return u.toString();
}
