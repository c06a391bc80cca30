import type { Role } from '@synthcall/schemas';

/** One leg of the conference: who Twilio dials and how the participant is labelled. */
export interface ParticipantRequest {
  role: Role;
  /** ParticipantLabel; equals the role so callbacks name the party. */
  label: Role;
  from: string;
  /** A number or `app:AP…?callId=…&role=…` that the gateway answers for this role. */
  to: string;
  /** Call status callback (initiated, ringing, answered, completed) for this leg. */
  statusCallbackUrl: string;
}

export interface ConferenceRequest {
  callId: string;
  /** FriendlyName `synthcall-<callId>`: also the idempotency key Twilio can be asked about. */
  conferenceName: string;
  /** Customer first, so the dual-channel recording puts the customer on channel 1. */
  participants: readonly [ParticipantRequest, ParticipantRequest];
  /** Backstop in seconds: Twilio hangs each leg up after this even if nobody ends the call. */
  timeLimitSec: number;
  conferenceStatusCallbackUrl: string;
  recordingStatusCallbackUrl: string;
}

export interface ConferenceCreated {
  conferenceSid: string | null;
  customerCallSid: string;
  agentCallSid: string;
}

/** Where conferences are placed: Twilio or twilio-sim through the SDK, or a fake in unit tests. */
export interface Telephony {
  /**
   * Creates the conference by dialling its participants in order. `pace` is awaited before each leg is dialled:
   * every leg is one outbound call for Twilio's calls-per-second limit.
   */
  createConference(request: ConferenceRequest, pace: () => Promise<void>): Promise<ConferenceCreated>;
  /** True when a conference with this FriendlyName was already created (by this or another replica, before a crash). */
  conferenceExists(conferenceName: string): Promise<boolean>;
}

export interface BudgetDecision {
  granted: boolean;
  /** 0-based position of this call among the distinct calls claimed today (across replicas). */
  rank: number;
  /** UTC day the claim counted against, YYYY-MM-DD. */
  day: string;
}

/**
 * The daily call budget, shared by every orchestrator replica and surviving restarts. It counts distinct callIds:
 * claiming a call again on the same day (a redelivered request, in this process or after a crash in another) returns
 * its first decision and takes no second slot.
 */
export interface CallBudget {
  claim(callId: string, at: Date): Promise<BudgetDecision>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function utcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}
