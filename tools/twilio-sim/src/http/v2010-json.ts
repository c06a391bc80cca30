import { rfc2822 } from '../domain/dates.js';
import type { Leg } from '../engine/leg.js';
import type {
  ApplicationRecord,
  ConferenceRecord,
  NotificationRecord,
  ParticipantRecord,
  PhoneNumberRecord,
  RecordingRecord,
} from '../engine/model.js';

/** JSON shapes of the v2010 resources, field for field as in twilio_api_v2010.json. */

const date = (ms: number | null) => (ms === null ? null : rfc2822(ms));

function formatted(number: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : number;
}

export function callJson(ac: string, leg: Leg, durationSec: number): Record<string, unknown> {
  const c = leg.call;
  const uri = `/2010-04-01/Accounts/${ac}/Calls/${c.sid}`;
  const terminal = ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status);
  return {
    account_sid: ac,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: date(c.dateCreated),
    date_updated: date(c.dateUpdated),
    direction: c.direction,
    duration: terminal ? String(durationSec) : null,
    end_time: date(c.endTime),
    forwarded_from: null,
    from: c.from,
    from_formatted: formatted(c.from),
    group_sid: null,
    parent_call_sid: c.parentCallSid,
    phone_number_sid: c.phoneNumberSid,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: c.sid,
    start_time: date(c.startTime),
    // 'initiated' is a callback event, not a REST status.
    status: c.status === 'initiated' ? 'queued' : c.status,
    subresource_uris: {
      notifications: `${uri}/Notifications.json`,
      recordings: `${uri}/Recordings.json`,
      payments: `${uri}/Payments.json`,
      events: `${uri}/Events.json`,
      siprec: `${uri}/Siprec.json`,
      streams: `${uri}/Streams.json`,
      transcriptions: `${uri}/Transcriptions.json`,
      user_defined_message_subscriptions: `${uri}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${uri}/UserDefinedMessages.json`,
    },
    to: c.to,
    to_formatted: formatted(c.to),
    trunk_sid: null,
    uri: `${uri}.json`,
  };
}

export function conferenceJson(ac: string, c: ConferenceRecord): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${ac}/Conferences/${c.sid}`;
  return {
    account_sid: ac,
    api_version: '2010-04-01',
    call_sid_ending_conference: c.callSidEnding,
    date_created: date(c.dateCreated),
    date_updated: date(c.dateUpdated),
    friendly_name: c.friendlyName,
    reason_conference_ended: c.reasonEnded,
    region: 'us1',
    sid: c.sid,
    status: c.status,
    subresource_uris: {
      participants: `${uri}/Participants.json`,
      recordings: `${uri}/Recordings.json`,
    },
    uri: `${uri}.json`,
  };
}

export function participantJson(ac: string, p: ParticipantRecord): Record<string, unknown> {
  return {
    account_sid: ac,
    call_sid: p.callSid,
    call_sid_to_coach: null,
    coaching: false,
    conference_sid: p.conferenceSid,
    date_created: date(p.dateCreated),
    date_updated: date(p.dateUpdated),
    end_conference_on_exit: p.endConferenceOnExit,
    hold: p.hold,
    label: p.label,
    muted: p.muted,
    queue_time: '0',
    start_conference_on_enter: p.startConferenceOnEnter,
    status: p.status,
    uri: `/2010-04-01/Accounts/${ac}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`,
  };
}

export function recordingJson(ac: string, r: RecordingRecord, mediaUrl: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${ac}/Recordings/${r.sid}`;
  return {
    account_sid: ac,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    channels: r.channels,
    conference_sid: r.conferenceSid,
    date_created: date(r.dateCreated),
    date_updated: date(r.dateUpdated),
    duration: r.durationSec === null ? '-1' : String(r.durationSec),
    encryption_details: null,
    error_code: r.status === 'failed' ? 11200 : null,
    media_url: mediaUrl,
    price: null,
    price_unit: 'USD',
    sid: r.sid,
    source: r.source,
    start_time: date(r.startTime),
    status: r.status,
    subresource_uris: {
      add_on_results: `${uri}/AddOnResults.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
    uri: `${uri}.json`,
  };
}

export function phoneNumberJson(ac: string, n: PhoneNumberRecord): Record<string, unknown> {
  return {
    account_sid: ac,
    address_requirements: 'none',
    address_sid: null,
    api_version: '2010-04-01',
    beta: false,
    bundle_sid: null,
    capabilities: { fax: false, mms: false, sms: false, voice: true },
    date_created: date(n.dateCreated),
    date_updated: date(n.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_url: null,
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    trunk_sid: null,
    type: 'local',
    uri: `/2010-04-01/Accounts/${ac}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_application_sid: n.voiceApplicationSid,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

export function applicationJson(ac: string, a: ApplicationRecord): Record<string, unknown> {
  return {
    account_sid: ac,
    api_version: '2010-04-01',
    date_created: date(a.dateCreated),
    date_updated: date(a.dateUpdated),
    friendly_name: a.friendlyName,
    message_status_callback: null,
    public_application_connect_enabled: false,
    sid: a.sid,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_status_callback: null,
    sms_url: null,
    status_callback: a.statusCallback,
    status_callback_method: a.statusCallbackMethod,
    uri: `/2010-04-01/Accounts/${ac}/Applications/${a.sid}.json`,
    voice_caller_id_lookup: false,
    voice_fallback_method: a.voiceFallbackMethod,
    voice_fallback_url: a.voiceFallbackUrl,
    voice_method: a.voiceMethod,
    voice_url: a.voiceUrl,
  };
}

export function notificationJson(ac: string, n: NotificationRecord): Record<string, unknown> {
  return {
    account_sid: ac,
    api_version: '2010-04-01',
    call_sid: n.callSid,
    date_created: date(n.dateCreated),
    date_updated: date(n.dateCreated),
    error_code: String(n.errorCode),
    log: n.log,
    message_date: date(n.dateCreated),
    message_text: n.messageText,
    more_info: `https://www.twilio.com/docs/errors/${n.errorCode}`,
    request_method: n.requestMethod,
    request_url: n.requestUrl,
    sid: n.sid,
    uri: n.callSid
      ? `/2010-04-01/Accounts/${ac}/Calls/${n.callSid}/Notifications/${n.sid}.json`
      : `/2010-04-01/Accounts/${ac}/Notifications/${n.sid}.json`,
  };
}
