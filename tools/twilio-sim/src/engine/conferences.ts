import { rfc2822 } from '../domain/dates.js';
import type { ConferenceNoun } from '../domain/twiml.js';
import { SimError } from '../errors.js';
import type { Clock } from './clock.js';
import type { Leg } from './leg.js';
import type {
  Callback,
  ConferenceEndReason,
  ConferenceRecord,
  ParticipantRecord,
  RecordingRecord,
} from './model.js';
import type { RecordedSegment } from './ports.js';
import { Room, type Utterance } from './room.js';
import type { Telephony } from './telephony.js';

/** Longest real time the fast clock waits for the second participant while the first one still rings alone. */
const FIRST_RING_HOLD_MS = 500;

export interface ConferenceState {
  record: ConferenceRecord;
  /** The conference's clock: its participants' legs run on it. */
  clock: Clock;
  room: Room;
  participants: Map<string, { record: ParticipantRecord; leg: Leg }>;
  /** Call SIDs in join order: channel 1 of the recording is the first. */
  joinOrder: string[];
  statusCallback: Callback | undefined;
  sequence: number;
  recordFromStart: boolean;
  recordingCallback: Callback | undefined;
  recording: { record: RecordingRecord; segments: RecordedSegment[] } | undefined;
  /** Releases the fast-clock hold taken while the conference waits for its next participant. */
  releaseHold: (() => void) | undefined;
  /** Why the clock is held for this conference: a lone first participant ringing, or one waiting connected. */
  holdKind?: 'ringing' | 'waiting' | undefined;
}

/** Conference-level settings a participant brings (only the first participant's callbacks count). */
export interface ConferenceJoinOptions {
  label: string | null;
  muted: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  record: boolean;
  statusCallback: Callback | undefined;
  recordingCallback: Callback | undefined;
}

const SUBSCRIPTION_EVENT: Record<string, string> = {
  start: 'conference-start',
  end: 'conference-end',
  join: 'participant-join',
  leave: 'participant-leave',
  mute: 'participant-mute',
  hold: 'participant-hold',
  modify: 'participant-modify',
};

/**
 * Conferences: membership, start/end rules, status and recording callbacks, and the recording itself. A conference's
 * room carries the voices of its participants' far ends (see Leg).
 */
export class Conferences {
  private readonly map = new Map<string, ConferenceState>();

  constructor(private readonly t: Telephony) {}

  get(sid: string): ConferenceState | undefined {
    return this.map.get(sid);
  }

  values(): IterableIterator<ConferenceState> {
    return this.map.values();
  }

  assertLabelFree(conference: ConferenceState, label: string | null): void {
    if (label === null) return;
    for (const p of conference.participants.values()) {
      if (p.record.label === label && p.record.status !== 'complete' && p.record.status !== 'failed') {
        throw new SimError('SYNTH_SIM_DUPLICATE_LABEL', `Participant label "${label}" is already in use`, {
          twilioCode: 16025,
          status: 400,
        });
      }
    }
  }

  /**
   * The conference named (or SID'd) `key`; with `create`, a new one if none is live. A new conference gets a clock of
   * its own, or `clock` (a `<Dial>`ing leg's: the call and its conference share one timeline).
   */
  conferenceFor(key: string, create: boolean, clock?: Clock): ConferenceState | undefined {
    const bySid = this.map.get(key);
    if (bySid) return bySid;
    if (/^CF[0-9a-fA-F]{32}$/.test(key)) return undefined;
    for (const c of this.map.values()) {
      if (c.record.friendlyName === key && c.record.status !== 'completed') return c;
    }
    if (!create) return undefined;
    const conferenceClock = clock ?? this.t.clock.forCall();
    const now = conferenceClock.now();
    const record: ConferenceRecord = {
      sid: this.t.sid('CF'),
      friendlyName: key,
      status: 'init',
      dateCreated: now,
      dateUpdated: now,
      reasonEnded: null,
      callSidEnding: null,
    };
    const room = new Room(record.sid, conferenceClock);
    const state: ConferenceState = {
      record,
      clock: conferenceClock,
      room,
      participants: new Map(),
      joinOrder: [],
      statusCallback: undefined,
      sequence: 1,
      recordFromStart: false,
      recordingCallback: undefined,
      recording: undefined,
      releaseHold: undefined,
    };
    room.observe({
      onUtterance: (u, from) => this.recordUtterance(state, u, from),
      onHeard: (listener, u, words) => {
        const leg = this.t.calls.get(listener.member.id);
        if (leg) this.t.log(leg, { type: 'heard', from: u.speaker.id, words: words.join(' ') });
      },
    });
    this.map.set(record.sid, state);
    return state;
  }

  newParticipant(conference: ConferenceState, leg: Leg, join: ConferenceJoinOptions): ParticipantRecord {
    const now = conference.clock.now();
    const record: ParticipantRecord = {
      callSid: leg.call.sid,
      conferenceSid: conference.record.sid,
      label: join.label,
      dateCreated: now,
      dateUpdated: now,
      muted: join.muted,
      hold: false,
      startConferenceOnEnter: join.startConferenceOnEnter,
      endConferenceOnExit: join.endConferenceOnExit,
      status: 'queued',
    };
    conference.participants.set(leg.call.sid, { record, leg });
    // Only the first participant's conference callbacks and recording settings count.
    if (conference.participants.size === 1) {
      conference.statusCallback = join.statusCallback;
      conference.recordFromStart = join.record;
      conference.recordingCallback = join.recordingCallback;
    }
    return record;
  }

  /** `<Dial><Conference>`: joins the leg running the TwiML; resolves when it leaves the conference. */
  async dialConference(leg: Leg, noun: ConferenceNoun, signal: AbortSignal): Promise<'completed' | 'failed'> {
    const conference = this.conferenceFor(noun.name, true, leg.clock) as ConferenceState;
    const join: ConferenceJoinOptions = {
      label: noun.participantLabel ?? null,
      muted: noun.muted,
      startConferenceOnEnter: noun.startConferenceOnEnter,
      endConferenceOnExit: noun.endConferenceOnExit,
      record: noun.record === 'record-from-start',
      statusCallback: noun.statusCallback
        ? { url: noun.statusCallback, method: noun.statusCallbackMethod, events: noun.statusCallbackEvent }
        : undefined,
      recordingCallback: noun.recordingStatusCallback
        ? {
            url: noun.recordingStatusCallback,
            method: noun.recordingStatusCallbackMethod,
            events: noun.recordingStatusCallbackEvent,
          }
        : undefined,
    };
    try {
      this.assertLabelFree(conference, join.label);
    } catch (error) {
      if (error instanceof SimError) {
        this.t.notify(leg, 16025, error.message, { url: '', method: 'POST' });
        return 'failed';
      }
      throw error;
    }
    const participant = this.newParticipant(conference, leg, join);
    this.joinConference(conference, leg, participant);
    await new Promise<void>((resolve) => {
      const check = () => {
        if (!leg.participant || leg.ended || signal.aborted) {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }
      };
      const onAbort = () => {
        if (leg.participant) {
          leg.leaveReason = 'participant_updated_via_api';
          this.leaveConference(leg);
          leg.leaveReason = undefined;
        }
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      leg.onLeave = check;
    });
    return 'completed';
  }

  joinConference(conference: ConferenceState, leg: Leg, participant: ParticipantRecord): void {
    leg.pendingParticipant = undefined;
    participant.status = 'connected';
    participant.dateUpdated = conference.clock.now();
    leg.participant = { conferenceSid: conference.record.sid, record: participant };
    conference.joinOrder.push(leg.call.sid);
    const speaker = leg.peer;
    if (speaker) {
      if (speaker.room) speaker.room.moveTo(speaker, conference.room);
      else conference.room.join(speaker);
      speaker.room = conference.room;
    }
    this.t.log(leg, {
      type: 'conference',
      event: 'join',
      conferenceSid: conference.record.sid,
      label: participant.label,
    });
    this.conferenceEvent(conference, 'join', this.participantParams(leg, participant));
    const connected = [...conference.participants.values()].filter((p) => p.record.status === 'connected');
    if (
      conference.record.status === 'init' &&
      connected.length >= 2 &&
      connected.some((p) => p.record.startConferenceOnEnter)
    ) {
      this.startConference(conference);
    }
    this.refreshHold(conference);
  }

  /**
   * A conference with someone in it and nobody else on the way is waiting for a client's next REST request; the
   * fast clock must not run the lone leg's timers out in the meantime. That includes a first participant still
   * ringing: otherwise whether its answer came before the client's second request depended on real time (machine
   * load), and the same seed gave different conference start times.
   */
  refreshHold(c: ConferenceState): void {
    let connected = 0;
    let dialing = 0;
    for (const p of c.participants.values()) {
      if (p.record.status === 'connected') connected++;
      else if (p.record.status !== 'complete' && p.record.status !== 'failed') dialing++;
    }
    const init = c.record.status === 'init';
    const want =
      init && connected === 0 && dialing === 1
        ? 'ringing'
        : init && connected >= 1 && dialing === 0
          ? 'waiting'
          : undefined;
    if (want === c.holdKind && (want === undefined || c.releaseHold)) return;
    c.releaseHold?.();
    c.releaseHold = undefined;
    c.holdKind = want;
    if (want === undefined) return;
    // A client placing the second participant right after the first sends it within milliseconds; one that waits
    // for the first leg's answer costs at most FIRST_RING_HOLD_MS of real time per conference.
    const cap =
      want === 'ringing'
        ? Math.min(this.t.options.conferenceHoldMs, FIRST_RING_HOLD_MS)
        : this.t.options.conferenceHoldMs;
    c.releaseHold = c.clock.hold(cap);
  }

  private startConference(conference: ConferenceState): void {
    conference.record.status = 'in-progress';
    conference.record.dateUpdated = conference.clock.now();
    conference.room.activate();
    this.conferenceEvent(conference, 'start', {});
    if (conference.recordFromStart) {
      const now = conference.clock.now();
      const record: RecordingRecord = {
        sid: this.t.sid('RE'),
        callSid: null,
        conferenceSid: conference.record.sid,
        dateCreated: now,
        dateUpdated: now,
        startTime: now,
        durationSec: null,
        status: 'in-progress',
        channels: 2,
        source: 'Conference',
        media: undefined,
        segments: [],
      };
      this.t.recordings.set(record.sid, record);
      conference.recording = { record, segments: record.segments };
      this.recordingEvent(conference, 'in-progress');
    }
  }

  private recordUtterance(conference: ConferenceState, u: Utterance, fromMs: number): void {
    const rec = conference.recording;
    if (rec?.record.status !== 'in-progress') return;
    // The speaker is the far end of a participant leg; its channel is that participant's join position.
    const index = conference.joinOrder.findIndex((sid) => this.t.calls.get(sid)?.peer?.id === u.speaker.id);
    if (index !== 0 && index !== 1) return;
    rec.segments.push({
      channel: index === 0 ? 1 : 2,
      startSec: Math.max(0, (fromMs - rec.record.startTime) / 1000),
      text: u.text,
      voice: u.voice,
    });
  }

  leaveConference(leg: Leg): void {
    const p = leg.participant;
    if (!p) return;
    const conference = this.map.get(p.conferenceSid);
    leg.participant = undefined;
    if (!conference) return;
    const wasListed = conference.participants.has(leg.call.sid);
    p.record.status = 'complete';
    p.record.dateUpdated = conference.clock.now();
    const speaker = leg.peer;
    if (speaker && speaker.room === conference.room) {
      if (speaker.homeRoom && !speaker.ended) {
        conference.room.moveTo(speaker, speaker.homeRoom);
        speaker.room = speaker.homeRoom;
      } else {
        conference.room.leave(speaker);
        speaker.room = undefined;
      }
    }
    const reason = leg.leaveReason ?? 'participant_hung_up';
    this.t.log(leg, { type: 'conference', event: 'leave', conferenceSid: conference.record.sid, reason });
    this.conferenceEvent(conference, 'leave', {
      ...this.participantParams(leg, p.record),
      ParticipantCallStatus: leg.ended ? leg.call.status : 'in-progress',
      ReasonParticipantLeft: reason,
    });
    conference.participants.delete(leg.call.sid);
    this.refreshHold(conference);
    leg.onLeave?.();
    if (conference.record.status === 'completed' || !wasListed) return;
    const by = { callSid: leg.call.sid, label: p.record.label };
    const kicked = reason === 'participant_updated_via_api';
    if (p.record.endConferenceOnExit) {
      this.endConference(
        conference,
        kicked
          ? 'participant-with-end-conference-on-exit-kicked'
          : 'participant-with-end-conference-on-exit-left',
        by,
      );
    } else if (conference.participants.size === 0) {
      this.endConference(conference, kicked ? 'last-participant-kicked' : 'last-participant-left', by);
    }
  }

  endConference(
    conference: ConferenceState,
    reason: ConferenceEndReason,
    by: { callSid: string; label: string | null } | undefined,
  ): void {
    if (conference.record.status === 'completed') return;
    const started = conference.record.status === 'in-progress';
    conference.record.status = 'completed';
    conference.record.dateUpdated = conference.clock.now();
    conference.record.reasonEnded = reason;
    conference.record.callSidEnding = by?.callSid ?? null;
    const leaveReason =
      reason === 'conference-ended-via-api' ? 'conference_ended_via_api' : 'moderator_ended_conference';
    for (const { leg } of [...conference.participants.values()]) {
      leg.leaveReason = leaveReason;
      this.leaveConference(leg);
      leg.leaveReason = undefined;
      // A REST participant's only purpose is the conference: its call ends with it. A <Dial> leg moves on.
      if (!leg.run) this.t.endLeg(leg, leaveReason);
    }
    conference.room.deactivate();
    this.refreshHold(conference);
    const sid = conference.record.sid;
    this.t.retention.conferences.finish(sid, () => {
      if (this.map.get(sid) === conference) this.map.delete(sid);
    });
    if (started) {
      const params: Record<string, string> = { ReasonConferenceEnded: reason, Reason: reasonText(reason) };
      if (by) params.CallSidEndingConference = by.callSid;
      if (by?.label) params.ParticipantLabelEndingConference = by.label;
      this.conferenceEvent(conference, 'end', params);
    }
    const rec = conference.recording;
    if (rec && rec.record.status === 'in-progress') this.t.track(this.finishRecording(conference, rec));
  }

  private async finishRecording(
    conference: ConferenceState,
    rec: { record: RecordingRecord; segments: RecordedSegment[] },
  ): Promise<void> {
    const r = rec.record;
    const clock = conference.clock;
    const seconds = Math.max(0, Math.round((clock.now() - r.startTime) / 1000));
    r.durationSec = seconds;
    r.status = 'processing';
    r.dateUpdated = clock.now();
    try {
      r.media = await clock.track(this.t.options.renderer.render(rec.segments, seconds));
      r.status = 'completed';
    } catch (error) {
      r.status = 'failed';
      this.t.notify(
        undefined,
        11200,
        `Recording render failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          url: '',
          method: 'GET',
        },
      );
    }
    r.dateUpdated = clock.now();
    this.t.retention.recordings.finish(r.sid, () => {
      if (this.t.recordings.get(r.sid) === r) this.t.recordings.delete(r.sid);
    });
    this.recordingEvent(conference, r.status === 'completed' ? 'completed' : 'failed');
  }

  private recordingEvent(conference: ConferenceState, status: string): void {
    const cb = conference.recordingCallback;
    const rec = conference.recording?.record;
    if (!cb || !rec || !cb.events.includes(status)) return;
    const params: Record<string, string> = {
      AccountSid: this.t.options.accountSid,
      ConferenceSid: conference.record.sid,
      RecordingSid: rec.sid,
      RecordingUrl: this.t.recordingUrl(rec.sid),
      RecordingStatus: status,
      RecordingDuration: String(rec.durationSec ?? 0),
      // Documented for conference recordings: always 1 (twilio-protocol.md §3.3), although the file is stored dual.
      RecordingChannels: '1',
      RecordingStartTime: rfc2822(rec.startTime),
      RecordingSource: 'Conference',
    };
    if (status === 'failed') params.ErrorCode = '11200';
    void this.t.callbacks.send(
      `conference:${conference.record.sid}`,
      conference.clock,
      cb.url,
      cb.method,
      params,
    );
  }

  private participantParams(leg: Leg, p: ParticipantRecord): Record<string, string> {
    const params: Record<string, string> = {
      CallSid: leg.call.sid,
      Coaching: 'false',
      EndConferenceOnExit: String(p.endConferenceOnExit),
      Hold: String(p.hold),
      Muted: String(p.muted),
      StartConferenceOnEnter: String(p.startConferenceOnEnter),
    };
    if (p.label !== null) params.ParticipantLabel = p.label;
    return params;
  }

  conferenceEvent(conference: ConferenceState, subscription: string, extra: Record<string, string>): void {
    const event = SUBSCRIPTION_EVENT[subscription] ?? subscription;
    for (const sid of conference.participants.keys()) {
      const leg = this.t.calls.get(sid);
      if (leg) this.t.log(leg, { type: 'conference', event, conferenceSid: conference.record.sid });
    }
    const cb = conference.statusCallback;
    if (!cb?.events.includes(subscription)) return;
    const params: Record<string, string> = {
      AccountSid: this.t.options.accountSid,
      ConferenceSid: conference.record.sid,
      FriendlyName: conference.record.friendlyName,
      SequenceNumber: String(conference.sequence++),
      StatusCallbackEvent: event,
      Timestamp: rfc2822(conference.clock.now()),
      ...extra,
    };
    void this.t.callbacks.send(
      `conference:${conference.record.sid}`,
      conference.clock,
      cb.url,
      cb.method,
      params,
    );
  }

  updateParticipant(
    conference: ConferenceState,
    leg: Leg,
    update: { muted?: boolean; hold?: boolean; endConferenceOnExit?: boolean },
  ): void {
    const p = leg.participant?.record;
    if (!p) return;
    if (update.muted !== undefined && update.muted !== p.muted) {
      p.muted = update.muted;
      this.conferenceEvent(conference, 'mute', {
        ...this.participantParams(leg, p),
        StatusCallbackEvent: update.muted ? 'participant-mute' : 'participant-unmute',
      });
    }
    if (update.hold !== undefined && update.hold !== p.hold) {
      p.hold = update.hold;
      this.conferenceEvent(conference, 'hold', {
        ...this.participantParams(leg, p),
        StatusCallbackEvent: update.hold ? 'participant-hold' : 'participant-unhold',
      });
    }
    if (update.endConferenceOnExit !== undefined) p.endConferenceOnExit = update.endConferenceOnExit;
    p.dateUpdated = conference.clock.now();
  }

  participantEntry(
    conference: ConferenceState,
    key: string,
  ): { record: ParticipantRecord; leg: Leg } | undefined {
    const direct = conference.participants.get(key);
    if (direct) return direct;
    for (const p of conference.participants.values()) if (p.record.label === key) return p;
    return undefined;
  }
}

function reasonText(reason: ConferenceEndReason): string {
  switch (reason) {
    case 'conference-ended-via-api':
      return 'Conference ended via API';
    case 'last-participant-left':
      return 'Last participant left';
    case 'last-participant-kicked':
      return 'Last participant was kicked';
    case 'participant-with-end-conference-on-exit-left':
      return 'Participant with endConferenceOnExit left the conference';
    case 'participant-with-end-conference-on-exit-kicked':
      return 'Participant with endConferenceOnExit was kicked';
  }
}
