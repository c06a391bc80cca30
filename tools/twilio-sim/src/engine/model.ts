import type { HttpMethod } from '../domain/twiml.js';
import type { RecordedSegment, RecordingMedia } from './ports.js';

export type CallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

export type Direction = 'inbound' | 'outbound-api' | 'outbound-dial';

export interface Callback {
  url: string;
  method: HttpMethod;
  events: string[];
}

export interface CallRecord {
  sid: string;
  parentCallSid: string | null;
  to: string;
  from: string;
  phoneNumberSid: string | null;
  status: CallStatus;
  direction: Direction;
  dateCreated: number;
  dateUpdated: number;
  startTime: number | null;
  endTime: number | null;
  /** Not served by REST: the far party of a call to a number the sim does not own. */
  hidden: boolean;
  statusCallback: Callback | undefined;
  statusSequence: number;
  /** Extra webhook parameters (query parameters of an `app:AP…?k=v` address). */
  extraParams: Record<string, string>;
}

export interface ParticipantRecord {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  dateCreated: number;
  dateUpdated: number;
  muted: boolean;
  hold: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  status: 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';
}

export type ConferenceEndReason =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-kicked'
  | 'last-participant-left';

export interface ConferenceRecord {
  sid: string;
  friendlyName: string;
  status: 'init' | 'in-progress' | 'completed';
  dateCreated: number;
  dateUpdated: number;
  reasonEnded: ConferenceEndReason | null;
  callSidEnding: string | null;
}

export interface RecordingRecord {
  sid: string;
  callSid: string | null;
  conferenceSid: string | null;
  dateCreated: number;
  dateUpdated: number;
  startTime: number;
  durationSec: number | null;
  status: 'in-progress' | 'processing' | 'completed' | 'absent' | 'failed';
  channels: number;
  source: 'Conference' | 'OutboundAPI';
  media: RecordingMedia | undefined;
  /** What was said on each channel: what Voice Intelligence transcribes. */
  segments: RecordedSegment[];
}

export interface PhoneNumberRecord {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: HttpMethod;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  voiceApplicationSid: string | null;
  dateCreated: number;
  dateUpdated: number;
}

export interface ApplicationRecord {
  sid: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: HttpMethod;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  dateCreated: number;
  dateUpdated: number;
}

export interface NotificationRecord {
  sid: string;
  callSid: string | null;
  /** 0 = error, 1 = warning (Twilio's `log`). */
  log: '0' | '1';
  errorCode: number;
  messageText: string;
  requestUrl: string;
  requestMethod: string;
  dateCreated: number;
}

/** One line of a call's inspection log (`GET /_sim/calls/{CallSid}/events`). */
export interface CallEvent {
  at: string;
  type:
    | 'status'
    | 'webhook'
    | 'twiml'
    | 'said'
    | 'heard'
    | 'gather'
    | 'notification'
    | 'conference'
    | 'callback';
  [key: string]: unknown;
}
