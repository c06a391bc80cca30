import { downmixWav } from '../audio/wav.js';
import { isSid } from '../domain/sid.js';
import type { ConferenceState } from '../engine/conferences.js';
import type { Leg, TwimlSource } from '../engine/leg.js';
import type { Callback } from '../engine/model.js';
import type { Telephony } from '../engine/telephony.js';
import { badRequest, notFound, SimError } from '../errors.js';
import { v2010Page } from './paging.js';
import type { Params, SimRequest, SimResponse } from './request.js';
import type { Route } from './router.js';
import {
  applicationJson,
  callJson,
  conferenceJson,
  notificationJson,
  participantJson,
  phoneNumberJson,
  recordingJson,
} from './v2010-json.js';

const SID = '([A-Za-z0-9]+)';
const ANY = '([^/]+)';

function validUrl(value: string, name: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return value;
  } catch (error) {
    throw new SimError('SYNTH_SIM_BAD_REQUEST', `${name} is not a valid URL: ${value}`, {
      twilioCode: 21205,
      status: 400,
      cause: error,
    });
  }
}

function callback(q: Params, prefix: string, defaults: string[]): Callback | undefined {
  const url = q.get(prefix);
  if (!url) return undefined;
  const events = q.all(`${prefix}Event`);
  return {
    url: validUrl(url, prefix),
    method: q.method(`${prefix}Method`),
    events: events.length > 0 ? events : defaults,
  };
}

function twimlSource(q: Params): TwimlSource | undefined {
  const url = q.get('Url');
  // Twilio ignores Twiml when Url is given.
  if (url) {
    const fallback = q.get('FallbackUrl');
    return {
      kind: 'url',
      url: validUrl(url, 'Url'),
      method: q.method('Method'),
      fallback: fallback
        ? { url: validUrl(fallback, 'FallbackUrl'), method: q.method('FallbackMethod') }
        : undefined,
    };
  }
  const twiml = q.get('Twiml');
  if (twiml !== undefined) {
    if (twiml.length > 4000) throw badRequest(21236, 'Twiml must be at most 4000 characters');
    return { kind: 'twiml', twiml };
  }
  return undefined;
}

function newestFirst<T extends { dateCreated: number }>(items: T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.dateCreated - a.item.dateCreated || b.i - a.i)
    .map((x) => x.item);
}

export function v2010Routes(t: Telephony): Route[] {
  const ac = t.options.accountSid;
  const base = `/2010-04-01/Accounts/${ac}`;
  const ok = (json: unknown, status = 200): SimResponse => ({ status, json });

  const leg = (sid: string): Leg => {
    const l = t.calls.get(sid);
    if (!l || l.call.hidden) throw notFound(`/Calls/${sid}.json`);
    return l;
  };
  const conference = (sid: string): ConferenceState => {
    const c = t.conferences.get(sid);
    if (!c) throw notFound(`/Conferences/${sid}.json`);
    return c;
  };
  const callOut = (l: Leg) => callJson(ac, l, t.callDurationSec(l));
  const mediaUrl = (sid: string) => `${t.recordingUrl(sid)}.wav`;

  const listRecordings = (
    req: SimRequest,
    filter: { callSid?: string; conferenceSid?: string },
    path: string,
  ) => {
    const callSid = filter.callSid ?? req.query.get('CallSid');
    const conferenceSid = filter.conferenceSid ?? req.query.get('ConferenceSid');
    const items = newestFirst([...t.recordings.values()]).filter(
      (r) => (!callSid || r.callSid === callSid) && (!conferenceSid || r.conferenceSid === conferenceSid),
    );
    return ok(
      v2010Page(
        'recordings',
        items.map((r) => recordingJson(ac, r, mediaUrl(r.sid))),
        path,
        req.query,
        {},
      ),
    );
  };

  // Twilio stores conference recordings dual-channel (channel 1 = the first participant to join, channel 2 = all
  // other audio) but downloads them mono unless the request asks for RequestedChannels=2 (Twilio changelog,
  // 2024-07-09 and 2025-09-15).
  const recordingMedia = (query: Params, sid: string): SimResponse => {
    const r = t.recordings.get(sid);
    if (!r) throw notFound(`/Recordings/${sid}`);
    if (!r.media) throw notFound(`/Recordings/${sid} media (status ${r.status})`);
    const requested = query.get('RequestedChannels');
    if (requested !== undefined && requested !== '1' && requested !== '2') {
      throw badRequest(20001, `RequestedChannels must be 1 or 2, got ${requested}`);
    }
    const dual = r.channels === 2 && (r.source !== 'Conference' || requested === '2');
    const wav = r.media.wav();
    const body = r.channels === 2 && !dual ? downmixWav(wav) : wav;
    return { status: 200, body, contentType: 'audio/x-wav' };
  };

  return [
    // ---- Calls ----
    {
      method: 'POST',
      path: `${base}/Calls.json`,
      handler: (req) => {
        const q = req.body;
        const to = q.get('To');
        const from = q.get('From');
        if (!to) throw badRequest(21201, "No 'To' number is specified");
        if (!from) throw badRequest(21213, "No 'From' number is specified");
        let source = twimlSource(q);
        const appSid = q.get('ApplicationSid');
        if (!source && appSid) {
          const app = t.applications.get(appSid);
          if (!app?.voiceUrl) throw badRequest(21218, `Invalid ApplicationSid ${appSid}`);
          source = { kind: 'url', url: app.voiceUrl, method: app.voiceMethod, fallback: undefined };
        }
        if (!source) throw badRequest(21205, 'Url parameter is required.');
        const l = t.createCall({
          to,
          from,
          source,
          statusCallback: callback(q, 'StatusCallback', ['completed']),
        });
        return ok(callOut(l), 201);
      },
    },
    {
      method: 'GET',
      path: `${base}/Calls.json`,
      handler: (req) => {
        const f = {
          To: req.query.get('To'),
          From: req.query.get('From'),
          Status: req.query.get('Status'),
          ParentCallSid: req.query.get('ParentCallSid'),
        };
        const legs = newestFirst(
          [...t.calls.values()]
            .filter((l) => !l.call.hidden)
            .map((l) => ({ l, dateCreated: l.call.dateCreated })),
        )
          .map((x) => x.l)
          .filter(
            (l) =>
              (!f.To || l.call.to === f.To) &&
              (!f.From || l.call.from === f.From) &&
              (!f.Status || (l.call.status === 'initiated' ? 'queued' : l.call.status) === f.Status) &&
              (!f.ParentCallSid || l.call.parentCallSid === f.ParentCallSid),
          );
        const filters = Object.fromEntries(
          Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined),
        );
        return ok(v2010Page('calls', legs.map(callOut), `${base}/Calls.json`, req.query, filters));
      },
    },
    {
      method: 'GET',
      path: `${base}/Calls/${SID}.json`,
      handler: (_req, [sid]) => ok(callOut(leg(sid as string))),
    },
    {
      method: 'POST',
      path: `${base}/Calls/${SID}.json`,
      handler: (req, [sid]) => {
        const l = leg(sid as string);
        const q = req.body;
        const status = q.get('Status');
        if (status !== undefined && status !== 'completed' && status !== 'canceled') {
          throw badRequest(20001, `Invalid Status "${status}": expected completed or canceled`);
        }
        const source = twimlSource(q);
        const cb = callback(q, 'StatusCallback', l.call.statusCallback?.events ?? ['completed']);
        if (cb) l.call.statusCallback = cb;
        if (status === 'canceled' && l.call.status === 'in-progress') {
          // Canceling only applies to calls that have not been answered; Twilio leaves the call as it is.
          return ok(callOut(l));
        }
        if (!status && source && l.ended)
          throw badRequest(21220, 'Call is not in-progress. Cannot redirect.');
        if (status) t.updateCall(l, { status: status as 'completed' | 'canceled' });
        else if (source) t.updateCall(l, { source });
        return ok(callOut(l));
      },
    },
    {
      method: 'GET',
      path: `${base}/Calls/${SID}/Notifications.json`,
      handler: (req, [sid]) => {
        leg(sid as string);
        const items = t.notifications.filter((n) => n.callSid === sid).map((n) => notificationJson(ac, n));
        return ok(
          v2010Page('notifications', items, `${base}/Calls/${sid}/Notifications.json`, req.query, {}),
        );
      },
    },
    {
      method: 'GET',
      path: `${base}/Notifications.json`,
      handler: (req) => {
        const items = t.notifications.map((n) => notificationJson(ac, n));
        return ok(v2010Page('notifications', items, `${base}/Notifications.json`, req.query, {}));
      },
    },
    {
      method: 'GET',
      path: `${base}/Calls/${SID}/Recordings.json`,
      handler: (req, [sid]) =>
        listRecordings(req, { callSid: sid as string }, `${base}/Calls/${sid}/Recordings.json`),
    },
    // ---- Conferences ----
    {
      method: 'GET',
      path: `${base}/Conferences.json`,
      handler: (req) => {
        const name = req.query.get('FriendlyName');
        const status = req.query.get('Status');
        const items = newestFirst([...t.conferences.values()].map((c) => c.record)).filter(
          (c) => (!name || c.friendlyName === name) && (!status || c.status === status),
        );
        const filters: Record<string, string> = {};
        if (name) filters.FriendlyName = name;
        if (status) filters.Status = status;
        return ok(
          v2010Page(
            'conferences',
            items.map((c) => conferenceJson(ac, c)),
            `${base}/Conferences.json`,
            req.query,
            filters,
          ),
        );
      },
    },
    {
      method: 'GET',
      path: `${base}/Conferences/${SID}.json`,
      handler: (_req, [sid]) => ok(conferenceJson(ac, conference(sid as string).record)),
    },
    {
      method: 'POST',
      path: `${base}/Conferences/${SID}.json`,
      handler: (req, [sid]) => {
        const c = conference(sid as string);
        const status = req.body.get('Status');
        if (status !== undefined && status !== 'completed') {
          throw badRequest(20001, `Invalid Status "${status}": expected completed`);
        }
        if (status === 'completed') t.conferences.endConference(c, 'conference-ended-via-api', undefined);
        return ok(conferenceJson(ac, c.record));
      },
    },
    {
      method: 'GET',
      path: `${base}/Conferences/${SID}/Recordings.json`,
      handler: (req, [sid]) => {
        conference(sid as string);
        return listRecordings(
          req,
          { conferenceSid: sid as string },
          `${base}/Conferences/${sid}/Recordings.json`,
        );
      },
    },
    // ---- Participants ----
    {
      method: 'POST',
      path: `${base}/Conferences/${ANY}/Participants.json`,
      handler: (req, [key]) => {
        const q = req.body;
        const to = q.get('To');
        const from = q.get('From');
        if (!to) throw badRequest(21201, "No 'To' number is specified");
        if (!from) throw badRequest(21213, "No 'From' number is specified");
        const label = q.get('Label') ?? null;
        if (label !== null && label.length > 128)
          throw badRequest(16024, 'Label must be at most 128 characters');
        const record = q.get('ConferenceRecord');
        const { participant } = t.createParticipant(decodeURIComponent(key as string), {
          to,
          from,
          statusCallback: callback(q, 'StatusCallback', ['completed']),
          join: {
            label,
            muted: q.bool('Muted') ?? false,
            startConferenceOnEnter: q.bool('StartConferenceOnEnter') ?? true,
            endConferenceOnExit: q.bool('EndConferenceOnExit') ?? false,
            record: record === 'true' || record === 'record-from-start',
            statusCallback: callback(q, 'ConferenceStatusCallback', ['start', 'end']),
            recordingCallback: callback(q, 'ConferenceRecordingStatusCallback', ['completed']),
          },
        });
        return ok(participantJson(ac, participant), 201);
      },
    },
    {
      method: 'GET',
      path: `${base}/Conferences/${SID}/Participants.json`,
      handler: (req, [sid]) => {
        const c = conference(sid as string);
        const muted = req.query.bool('Muted');
        const hold = req.query.bool('Hold');
        const items = [...c.participants.values()]
          .map((p) => p.record)
          .filter(
            (p) => (muted === undefined || p.muted === muted) && (hold === undefined || p.hold === hold),
          );
        return ok(
          v2010Page(
            'participants',
            items.map((p) => participantJson(ac, p)),
            `${base}/Conferences/${sid}/Participants.json`,
            req.query,
            {},
          ),
        );
      },
    },
    {
      method: 'GET',
      path: `${base}/Conferences/${SID}/Participants/${ANY}.json`,
      handler: (_req, [sid, key]) => {
        const p = t.conferences.participantEntry(
          conference(sid as string),
          decodeURIComponent(key as string),
        );
        if (!p) throw notFound(`/Conferences/${sid}/Participants/${key}.json`);
        return ok(participantJson(ac, p.record));
      },
    },
    {
      method: 'POST',
      path: `${base}/Conferences/${SID}/Participants/${ANY}.json`,
      handler: (req, [sid, key]) => {
        const c = conference(sid as string);
        const p = t.conferences.participantEntry(c, decodeURIComponent(key as string));
        if (!p) throw notFound(`/Conferences/${sid}/Participants/${key}.json`);
        const update: { muted?: boolean; hold?: boolean; endConferenceOnExit?: boolean } = {};
        const muted = req.body.bool('Muted');
        const hold = req.body.bool('Hold');
        const eoe = req.body.bool('EndConferenceOnExit');
        if (muted !== undefined) update.muted = muted;
        if (hold !== undefined) update.hold = hold;
        if (eoe !== undefined) update.endConferenceOnExit = eoe;
        t.conferences.updateParticipant(c, p.leg, update);
        return ok(participantJson(ac, p.record));
      },
    },
    {
      method: 'DELETE',
      path: `${base}/Conferences/${SID}/Participants/${ANY}.json`,
      handler: (_req, [sid, key]) => {
        const p = t.conferences.participantEntry(
          conference(sid as string),
          decodeURIComponent(key as string),
        );
        if (!p) throw notFound(`/Conferences/${sid}/Participants/${key}.json`);
        t.removeParticipant(p.leg);
        return { status: 204 };
      },
    },
    // ---- Recordings ----
    {
      method: 'GET',
      path: `${base}/Recordings.json`,
      handler: (req) => listRecordings(req, {}, `${base}/Recordings.json`),
    },
    {
      method: 'GET',
      path: `${base}/Recordings/${SID}.json`,
      handler: (_req, [sid]) => {
        const r = t.recordings.get(sid as string);
        if (!r) throw notFound(`/Recordings/${sid}.json`);
        return ok(recordingJson(ac, r, mediaUrl(r.sid)));
      },
    },
    {
      method: 'GET',
      path: `${base}/Recordings/${SID}.wav`,
      handler: (req, [sid]) => recordingMedia(req.query, sid as string),
    },
    {
      method: 'GET',
      path: `${base}/Recordings/${SID}`,
      handler: (req, [sid]) => recordingMedia(req.query, sid as string),
    },
    // ---- IncomingPhoneNumbers ----
    {
      method: 'POST',
      path: `${base}/IncomingPhoneNumbers.json`,
      handler: (req) => {
        const q = req.body;
        const phoneNumber = q.get('PhoneNumber');
        if (!phoneNumber || !/^\+[1-9]\d{6,14}$/.test(phoneNumber)) {
          throw badRequest(21421, `PhoneNumber is invalid: ${phoneNumber ?? '(missing)'}`);
        }
        if (t.findNumber(phoneNumber)) throw badRequest(21422, `PhoneNumber ${phoneNumber} is not available`);
        const now = t.now();
        const sid = t.sid('PN');
        const n = {
          sid,
          phoneNumber,
          friendlyName: q.get('FriendlyName') ?? phoneNumber,
          voiceUrl: q.has('VoiceUrl') ? validUrl(q.get('VoiceUrl') as string, 'VoiceUrl') : null,
          voiceMethod: q.method('VoiceMethod'),
          voiceFallbackUrl: q.get('VoiceFallbackUrl') ?? null,
          voiceFallbackMethod: q.method('VoiceFallbackMethod'),
          statusCallback: q.get('StatusCallback') ?? null,
          statusCallbackMethod: q.method('StatusCallbackMethod'),
          voiceApplicationSid: q.get('VoiceApplicationSid') ?? null,
          dateCreated: now,
          dateUpdated: now,
        };
        t.numbers.set(sid, n);
        return ok(phoneNumberJson(ac, n), 201);
      },
    },
    {
      method: 'GET',
      path: `${base}/IncomingPhoneNumbers.json`,
      handler: (req) => {
        const pn = req.query.get('PhoneNumber');
        const items = newestFirst([...t.numbers.values()]).filter((n) => !pn || n.phoneNumber === pn);
        return ok(
          v2010Page(
            'incoming_phone_numbers',
            items.map((n) => phoneNumberJson(ac, n)),
            `${base}/IncomingPhoneNumbers.json`,
            req.query,
            pn ? { PhoneNumber: pn } : {},
          ),
        );
      },
    },
    {
      method: 'GET',
      path: `${base}/IncomingPhoneNumbers/${SID}.json`,
      handler: (_req, [sid]) => {
        const n = t.numbers.get(sid as string);
        if (!n) throw notFound(`/IncomingPhoneNumbers/${sid}.json`);
        return ok(phoneNumberJson(ac, n));
      },
    },
    {
      method: 'POST',
      path: `${base}/IncomingPhoneNumbers/${SID}.json`,
      handler: (req, [sid]) => {
        const n = t.numbers.get(sid as string);
        if (!n) throw notFound(`/IncomingPhoneNumbers/${sid}.json`);
        const q = req.body;
        if (q.has('VoiceUrl'))
          n.voiceUrl = q.get('VoiceUrl') ? validUrl(q.get('VoiceUrl') as string, 'VoiceUrl') : null;
        if (q.has('VoiceMethod')) n.voiceMethod = q.method('VoiceMethod');
        if (q.has('VoiceFallbackUrl')) n.voiceFallbackUrl = q.get('VoiceFallbackUrl') || null;
        if (q.has('VoiceFallbackMethod')) n.voiceFallbackMethod = q.method('VoiceFallbackMethod');
        if (q.has('StatusCallback')) n.statusCallback = q.get('StatusCallback') || null;
        if (q.has('StatusCallbackMethod')) n.statusCallbackMethod = q.method('StatusCallbackMethod');
        if (q.has('VoiceApplicationSid')) n.voiceApplicationSid = q.get('VoiceApplicationSid') || null;
        if (q.has('FriendlyName')) n.friendlyName = q.get('FriendlyName') as string;
        n.dateUpdated = t.now();
        return ok(phoneNumberJson(ac, n));
      },
    },
    {
      method: 'DELETE',
      path: `${base}/IncomingPhoneNumbers/${SID}.json`,
      handler: (_req, [sid]) => {
        if (!t.numbers.delete(sid as string)) throw notFound(`/IncomingPhoneNumbers/${sid}.json`);
        return { status: 204 };
      },
    },
    // ---- Applications ----
    {
      method: 'POST',
      path: `${base}/Applications.json`,
      handler: (req) => {
        const q = req.body;
        const now = t.now();
        const sid = t.sid('AP');
        const a = {
          sid,
          friendlyName: q.get('FriendlyName') ?? sid,
          voiceUrl: q.get('VoiceUrl') ? validUrl(q.get('VoiceUrl') as string, 'VoiceUrl') : null,
          voiceMethod: q.method('VoiceMethod'),
          voiceFallbackUrl: q.get('VoiceFallbackUrl') ?? null,
          voiceFallbackMethod: q.method('VoiceFallbackMethod'),
          statusCallback: q.get('StatusCallback') ?? null,
          statusCallbackMethod: q.method('StatusCallbackMethod'),
          dateCreated: now,
          dateUpdated: now,
        };
        t.applications.set(sid, a);
        return ok(applicationJson(ac, a), 201);
      },
    },
    {
      method: 'GET',
      path: `${base}/Applications.json`,
      handler: (req) => {
        const items = newestFirst([...t.applications.values()]).map((a) => applicationJson(ac, a));
        return ok(v2010Page('applications', items, `${base}/Applications.json`, req.query, {}));
      },
    },
    {
      method: 'GET',
      path: `${base}/Applications/${SID}.json`,
      handler: (_req, [sid]) => {
        const a = t.applications.get(sid as string);
        if (!a || !isSid(a.sid, 'AP')) throw notFound(`/Applications/${sid}.json`);
        return ok(applicationJson(ac, a));
      },
    },
    {
      method: 'POST',
      path: `${base}/Applications/${SID}.json`,
      handler: (req, [sid]) => {
        const a = t.applications.get(sid as string);
        if (!a) throw notFound(`/Applications/${sid}.json`);
        const q = req.body;
        if (q.has('VoiceUrl'))
          a.voiceUrl = q.get('VoiceUrl') ? validUrl(q.get('VoiceUrl') as string, 'VoiceUrl') : null;
        if (q.has('VoiceMethod')) a.voiceMethod = q.method('VoiceMethod');
        if (q.has('FriendlyName')) a.friendlyName = q.get('FriendlyName') as string;
        if (q.has('StatusCallback')) a.statusCallback = q.get('StatusCallback') || null;
        a.dateUpdated = t.now();
        return ok(applicationJson(ac, a));
      },
    },
  ];
}
