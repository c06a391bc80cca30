import type { Clock } from './clock.js';
import type { CallEvent, CallRecord, ParticipantRecord } from './model.js';
import type { Room, RoomMember } from './room.js';

/** Where a leg's TwiML comes from. */
export type TwimlSource =
  | {
      kind: 'url';
      url: string;
      method: 'GET' | 'POST';
      fallback: { url: string; method: 'GET' | 'POST' } | undefined;
    }
  | { kind: 'twiml'; twiml: string };

/**
 * A call leg at run time. Legs come in pairs (`peer`): the leg in a conference (or the outbound-api leg) and the
 * far end that answers it by running TwiML (or, for numbers the sim does not own, a hidden default answerer).
 * The far end is the one that speaks into and listens to the room.
 */
export class Leg implements RoomMember {
  peer: Leg | undefined;
  room: Room | undefined;
  /** The direct room of a call pair, returned to when the pair leaves a conference. */
  homeRoom: Room | undefined;
  /** A REST participant's record while its call is still being placed (its status follows the call's). */
  pendingParticipant: ParticipantRecord | undefined;
  /** Set while this leg sits in a conference. */
  participant: { conferenceSid: string; record: ParticipantRecord } | undefined;
  /** Aborted when the call ends. */
  readonly lifecycle = new AbortController();
  /** Aborted when the current TwiML run is replaced (REST update with Url/Twiml) or the call ends. */
  run: AbortController | undefined;
  source: TwimlSource | undefined;
  gathers = 0;
  readonly events: CallEvent[] = [];
  /** Why the leg is leaving its conference, when something other than its own hang-up caused it. */
  leaveReason: string | undefined;
  /** Called when the leg leaves its conference (a <Dial> waiting on it resumes). */
  onLeave: (() => void) | undefined;
  /** Run once when the call ends. */
  readonly onEnd: Array<() => void> = [];

  constructor(
    readonly call: CallRecord,
    /** The clock of the call this leg belongs to (shared with its far end, or its conference's for a participant). */
    readonly clock: Clock,
  ) {}

  get id(): string {
    return this.call.sid;
  }

  get ended(): boolean {
    return this.lifecycle.signal.aborted;
  }

  silenced(): boolean {
    const p = this.peer?.participant?.record ?? this.participant?.record;
    return p !== undefined && (p.muted || p.hold);
  }

  deafened(): boolean {
    const p = this.peer?.participant?.record ?? this.participant?.record;
    return p?.hold === true;
  }
}
