import type { EndReason, ReplyReady, Role } from '@synthcall/schemas';

/**
 * The turn rules of docs/call-protocol.md as the gateway applies them. Turn 0 is the agent's greeting; the agent
 * speaks even turns, the customer odd ones; a leg that heard turn `t` answers with turn `t + 1`.
 */

/** The reply a leg gives after hearing `heard`. */
export function replyTurnAfter(heard: number): number {
  return heard + 1;
}

/** What the leg's next Gather will hear once it has spoken `replyTurn`. */
export function heardAfterSpeaking(replyTurn: number): number {
  return replyTurn + 1;
}

/** The role that speaks a given turn. */
export function speakerOf(turn: number): Role {
  return turn % 2 === 0 ? 'agent' : 'customer';
}

/** The key replies and utterances are deduplicated on. */
export function turnKey(callId: string, role: Role, turn: number): string {
  return `${callId}\u0000${role}\u0000${turn}`;
}

export function utteranceEventId(callId: string, role: Role, turn: number): string {
  return `${callId}:heard:${role}:${turn}`;
}

export function replyEventId(callId: string, role: Role, turn: number): string {
  return `${callId}:reply:${role}:${turn}`;
}

/** Twilio's nominal time for one `<Pause length="1"/>` between a held webhook and its redirect. */
export const PAUSE_MS = 1_000;

export interface WaitPlan {
  /** How long this webhook may hold before answering (0 = decide now). */
  holdMs: number;
  /** True when the total wait is used up: speak the fallback instead of waiting again. */
  exhausted: boolean;
}

/**
 * How long a webhook may wait for a reply: never more than `holdMs` (a webhook must answer well within Twilio's
 * 15 s), never past the total budget. `waitedMs` counts the holds and the pauses already spent on this turn.
 */
export function planWait(waitedMs: number, holdMs: number, timeoutMs: number): WaitPlan {
  const left = timeoutMs - waitedMs;
  if (left <= 0) return { holdMs: 0, exhausted: true };
  // A webhook that already spent its hold elsewhere (a slow publish) redirects at once rather than holding more.
  return { holdMs: Math.max(0, Math.min(holdMs, left)), exhausted: false };
}

/** What the next wait URL carries: what was spent so far, plus the pause Twilio plays before following it. */
export function waitedAfterRedirect(waitedMs: number, heldMs: number): number {
  return waitedMs + heldMs + PAUSE_MS;
}

/**
 * Lines spoken when the engine did not answer in time. Neutral on purpose: they must fit any persona and any point
 * of the conversation, and they are labelled `fallback: true` so the dataset can exclude them.
 */
export function fallbackLine(role: Role, turn: number): string {
  if (role === 'agent' && turn === 0) return 'Thank you for calling. How can I help you today?';
  return role === 'agent'
    ? 'I am sorry, my system is a little slow right now. Could you tell me more while I look into it?'
    : 'Sorry, could you say that again?';
}

/**
 * The last of a run of fallback lines: the engine has not answered for several lines, so the leg says goodbye and
 * the call ends rather than apologising until the conference's time limit.
 */
export function closingFallbackLine(role: Role): string {
  return role === 'agent'
    ? 'I am sorry, our systems are not working properly right now. Please call us back later. Goodbye.'
    : 'Sorry, this line is too bad to go on. I will call back later. Goodbye.';
}

/** Every wording `fallbackLine` and `closingFallbackLine` produce: how a listener tells a gateway fallback apart. */
export const FALLBACK_WORDINGS: ReadonlySet<string> = new Set([
  fallbackLine('agent', 0),
  fallbackLine('agent', 2),
  fallbackLine('customer', 1),
  closingFallbackLine('agent'),
  closingFallbackLine('customer'),
]);

/** Why the gateway ends a call whose engine stopped answering. */
export const ENGINE_SILENT_END: EndReason = 'error';

export interface Voice {
  voice: string;
  language: string;
}

/** Used only when nothing is known about a role's voice (a replica that never saw the call's plan). */
export const DEFAULT_VOICE: Voice = { voice: 'Polly.Joanna-Neural', language: 'en-US' };

export function fallbackReply(args: {
  callId: string;
  role: Role;
  turn: number;
  voice: Voice;
  producedAt: Date;
  /** The last line of a run of fallbacks: it says goodbye and ends the call. */
  closing?: boolean;
}): ReplyReady {
  return {
    eventId: replyEventId(args.callId, args.role, args.turn),
    callId: args.callId,
    role: args.role,
    turn: args.turn,
    text: args.closing ? closingFallbackLine(args.role) : fallbackLine(args.role, args.turn),
    voice: args.voice.voice,
    language: args.voice.language,
    endCall: args.closing ?? false,
    endReason: args.closing ? ENGINE_SILENT_END : null,
    endedBy: args.closing ? args.role : null,
    fallback: true,
    producedAt: args.producedAt,
    pauseSec: null,
    cutInAfterSec: null,
  };
}
