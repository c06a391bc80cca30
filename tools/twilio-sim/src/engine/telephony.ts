import { rfc2822 } from '../domain/dates.js';
import type { Random } from '../domain/random.js';
import { newSid } from '../domain/sid.js';
import type { ConferenceNoun, HttpMethod } from '../domain/twiml.js';
import { SimError } from '../errors.js';
import { CallbackSender } from './callbacks.js';
import type { Clock } from './clock.js';
import { Leg, type TwimlSource } from './leg.js';
import type {
  ApplicationRecord,
  Callback,
  CallEvent,
  CallRecord,
  CallStatus,
  ConferenceEndReason,
  ConferenceRecord,
  Direction,
  NotificationRecord,
  ParticipantRecord,
  PhoneNumberRecord,
  RecordingRecord,
} from './model.js';
import type { RecordedSegment, RecordingRenderer, SpeechRecognizer, SpeechTiming } from './ports.js';
import { Room, type Utterance } from './room.js';
import { TwimlRunner } from './runner.js';
import { WebhookClient, type WebhookOutcome } from './webhooks.js';

export interface TelephonyOptions {
  accountSid: string;
  authToken: string;
  clock: Clock;
  random: Random;
  seed: string;
  asrWer: number;
  timing: SpeechTiming;
  recognizer: SpeechRecognizer;
  renderer: RecordingRenderer;
  webhookTimeoutMs: number;
  /** Clock time between dialling and the far end's first webhook. */
  ringMs: number;
  /** Real ms the fast clock waits for a conference's next participant before moving on without it. */
  conferenceHoldMs: number;
  /** TwiML run by the far end of a call to a number the sim does not own. */
  defaultAnswerTwiml: string;
  /** Absolute base URL of the sim, for RecordingUrl and similar. */
  baseUrl: () => string;
}

export interface ConferenceState {
  record: ConferenceRecord;
  room: Room;
  participants: Map<string, { record: ParticipantRecord; leg: Leg }>;
  /** Call SIDs in join order: channel 1 of the recording is the first. */
  joinOrder: string[];
  statusCallback: Callback | undefined;
  sequence: number;
  record_: boolean;
  recordingCallback: Callback | undefined;
  recording: { record: RecordingRecord; segments: RecordedSegment[] } | undefined;
  /** Releases the fast-clock hold taken while the conference waits for its next participant. */
  releaseHold: (() => void) | undefined;
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

export interface CreateCallInput {
  to: string;
  from: string;
  source: TwimlSource | undefined;
  statusCallback: Callback | undefined;
}

export interface CreateParticipantInput {
  to: string;
  from: string;
  statusCallback: Callback | undefined;
  join: ConferenceJoinOptions;
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

const TERMINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** The telephony core: calls, legs, conferences, callbacks and recordings. REST and TwiML both drive it. */
export class Telephony {
  readonly calls = new Map<string, Leg>();
  readonly conferences = new Map<string, ConferenceState>();
  readonly numbers = new Map<string, PhoneNumberRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly recordings = new Map<string, RecordingRecord>();
  readonly notifications: NotificationRecord[] = [];
  readonly webhooks: WebhookClient;
  private readonly callbacks: CallbackSender;
  private readonly runner: TwimlRunner;
  private readonly pending = new Set<Promise<unknown>>();
  private idleWaiters: Array<() => void> = [];

  constructor(readonly options: TelephonyOptions) {
    this.webhooks = new WebhookClient({
      authToken: options.authToken,
      clock: options.clock,
      timeoutMs: options.webhookTimeoutMs,
    });
    this.callbacks = new CallbackSender(this.webhooks, (stream, url, params, outcome) =>
      this.onCallbackSent(stream, url, params, outcome),
    );
    this.runner = new TwimlRunner(this);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  now(): number {
    return this.options.clock.now();
  }

  sid(prefix: Parameters<typeof newSid>[0]): string {
    return newSid(prefix, this.options.random);
  }

  // ---- inspection -------------------------------------------------------------------------------------------

  log(leg: Leg, event: Omit<CallEvent, 'at'>): void {
    leg.events.push({ at: new Date(this.now()).toISOString(), ...event } as CallEvent);
  }

  notify(
    leg: Leg | undefined,
    code: number,
    message: string,
    request: { url: string; method: string },
    warning = false,
  ): void {
    const record: NotificationRecord = {
      sid: this.sid('NO'),
      callSid: leg?.call.sid ?? null,
      log: warning ? '1' : '0',
      errorCode: code,
      messageText: message,
      requestUrl: request.url,
      requestMethod: request.method,
      dateCreated: this.now(),
    };
    this.notifications.push(record);
    if (leg) this.log(leg, { type: 'notification', code, message, warning, url: request.url });
  }

  /** Resolves when no call is live and every callback and recording has been delivered. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if ([...this.calls.values()].some((l) => !l.ended)) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        continue;
      }
      if (this.pending.size > 0) {
        await Promise.allSettled([...this.pending]);
        continue;
      }
      await this.callbacks.drain();
      if (this.pending.size === 0) return;
    }
  }

  /** Background work whenIdle waits for. */
  track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  // ---- addressing -------------------------------------------------------------------------------------------

  findNumber(phoneNumber: string): PhoneNumberRecord | undefined {
    for (const n of this.numbers.values()) if (n.phoneNumber === phoneNumber) return n;
    return undefined;
  }

  /** Who answers a call placed to `to`, and with which TwiML. */
  private resolveTarget(to: string): {
    to: string;
    numberSid: string | null;
    source: TwimlSource | undefined;
    statusCallback: Callback | undefined;
    params: Record<string, string>;
    hidden: boolean;
  } {
    const appMatch = /^app:(AP[0-9a-fA-F]{32})(?:\?(.*))?$/.exec(to);
    if (appMatch) {
      const app = this.applications.get(appMatch[1] as string);
      const params = Object.fromEntries(new URLSearchParams(appMatch[2] ?? ''));
      if (app) {
        return {
          to: `app:${app.sid}`,
          numberSid: null,
          source: urlSource(app.voiceUrl, app.voiceMethod, app.voiceFallbackUrl, app.voiceFallbackMethod),
          statusCallback: app.statusCallback
            ? { url: app.statusCallback, method: app.statusCallbackMethod, events: ['completed'] }
            : undefined,
          params,
          hidden: false,
        };
      }
    }
    const number = this.findNumber(to);
    if (number) {
      const app = number.voiceApplicationSid ? this.applications.get(number.voiceApplicationSid) : undefined;
      const voice = app ?? number;
      return {
        to: number.phoneNumber,
        numberSid: number.sid,
        source: urlSource(
          voice.voiceUrl,
          voice.voiceMethod,
          voice.voiceFallbackUrl,
          voice.voiceFallbackMethod,
        ),
        statusCallback: number.statusCallback
          ? { url: number.statusCallback, method: number.statusCallbackMethod, events: ['completed'] }
          : undefined,
        params: {},
        hidden: false,
      };
    }
    return {
      to,
      numberSid: null,
      source: { kind: 'twiml', twiml: this.options.defaultAnswerTwiml },
      statusCallback: undefined,
      params: {},
      hidden: true,
    };
  }

  private newLeg(input: {
    to: string;
    from: string;
    direction: Direction;
    parentCallSid?: string | null;
    phoneNumberSid?: string | null;
    hidden?: boolean;
    statusCallback: Callback | undefined;
    extraParams?: Record<string, string>;
  }): Leg {
    const now = this.now();
    const call: CallRecord = {
      sid: this.sid('CA'),
      parentCallSid: input.parentCallSid ?? null,
      to: input.to,
      from: input.from,
      phoneNumberSid: input.phoneNumberSid ?? null,
      status: 'queued',
      direction: input.direction,
      dateCreated: now,
      dateUpdated: now,
      startTime: null,
      endTime: null,
      hidden: input.hidden ?? false,
      statusCallback: input.statusCallback,
      statusSequence: 0,
      extraParams: input.extraParams ?? {},
    };
    const leg = new Leg(call);
    this.calls.set(call.sid, leg);
    this.log(leg, {
      type: 'status',
      status: 'queued',
      direction: call.direction,
      from: call.from,
      to: call.to,
    });
    return leg;
  }

  /** The standard voice request parameters of a leg. */
  baseParams(leg: Leg): Record<string, string> {
    const c = leg.call;
    const params: Record<string, string> = {
      AccountSid: this.options.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: c.sid,
      CallStatus: c.status,
      Called: c.to,
      Caller: c.from,
      Direction: c.direction,
      From: c.from,
      To: c.to,
    };
    if (c.parentCallSid) params.ParentCallSid = c.parentCallSid;
    return { ...params, ...c.extraParams };
  }

  // ---- calls ------------------------------------------------------------------------------------------------

  createCall(input: CreateCallInput): Leg {
    const leg = this.newLeg({
      to: input.to,
      from: input.from,
      direction: 'outbound-api',
      statusCallback: input.statusCallback,
    });
    leg.source = input.source;
    // A new call is the outside world acting: conferences waiting for it stop holding the clock.
    for (const c of this.conferences.values()) {
      c.releaseHold?.();
      c.releaseHold = undefined;
    }
    this.track(
      this.dialOut(leg, () => {
        // The outbound-api leg and its far end hear each other directly.
        const room = new Room(leg.call.sid, this.clock);
        for (const l of [leg, leg.peer]) {
          if (!l) continue;
          l.room = room;
          l.homeRoom = room;
          room.join(l);
        }
        room.activate();
        if (leg.source) this.startRun(leg, leg.source, undefined);
      }),
    );
    return leg;
  }

  createParticipant(
    conferenceKey: string,
    input: CreateParticipantInput,
  ): { leg: Leg; participant: ParticipantRecord } {
    const conference = this.conferenceFor(conferenceKey, true);
    if (!conference)
      throw new SimError('SYNTH_SIM_CONFERENCE_NOT_FOUND', `No conference ${conferenceKey}`, {
        twilioCode: 16003,
        status: 404,
      });
    if (conference.record.status === 'completed') {
      throw new SimError('SYNTH_SIM_CONFERENCE_ENDED', `Conference ${conference.record.sid} has ended`, {
        twilioCode: 16003,
        status: 404,
      });
    }
    this.assertLabelFree(conference, input.join.label);
    const leg = this.newLeg({
      to: input.to,
      from: input.from,
      direction: 'outbound-api',
      statusCallback: input.statusCallback,
    });
    const participant = this.newParticipant(conference, leg, input.join);
    leg.pendingParticipant = participant;
    leg.onEnd.push(() => {
      // Never reached the conference (no answer, far end failed, hung up while ringing).
      if (participant.status === 'connected' || participant.status === 'complete') return;
      participant.status = 'failed';
      participant.dateUpdated = this.now();
      conference.participants.delete(leg.call.sid);
      this.refreshHold(conference);
    });
    this.refreshHold(conference);
    this.track(
      this.dialOut(leg, () => {
        if (conference.record.status === 'completed') {
          this.endLeg(leg, 'participant_add_failed');
          return;
        }
        this.joinConference(conference, leg, participant);
      }),
    );
    return { leg, participant };
  }

  private assertLabelFree(conference: ConferenceState, label: string | null): void {
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

  /** Dials the far end of `leg`, waits for it to answer, then hands over to `onAnswered`. */
  private async dialOut(leg: Leg, onAnswered: () => void): Promise<void> {
    try {
      // The REST response goes out with the call still queued, as Twilio's does.
      await this.clock.sleep(0, leg.lifecycle.signal);
      this.setStatus(leg, 'initiated');
      await this.clock.sleep(this.options.ringMs, leg.lifecycle.signal);
      this.setStatus(leg, 'ringing');
      const target = this.resolveTarget(leg.call.to);
      const far = this.newLeg({
        to: target.to,
        from: leg.call.from,
        direction: 'inbound',
        phoneNumberSid: target.numberSid,
        hidden: target.hidden,
        statusCallback: target.statusCallback,
        extraParams: target.params,
      });
      leg.peer = far;
      far.peer = leg;
      far.source = target.source;
      this.setStatus(far, 'ringing');
      if (!far.source) {
        this.notify(far, 11200, 'The number has no voice URL', { url: '', method: 'POST' });
        this.endLeg(far, 'participant_add_failed', 'failed');
        return;
      }
      // The far end answers when its voice URL answers: fetch before either leg is in progress.
      const first = await this.runner.fetchFirst(far, far.source);
      if (leg.ended || far.ended) return;
      this.setStatus(far, 'in-progress');
      this.setStatus(leg, 'in-progress');
      onAnswered();
      this.startRun(far, far.source, first);
    } catch (error) {
      if (!leg.ended) throw error;
    }
  }

  startRun(
    leg: Leg,
    source: TwimlSource,
    first: Awaited<ReturnType<TwimlRunner['fetchFirst']>> | undefined,
  ): void {
    leg.run?.abort('redirected');
    const run = new AbortController();
    leg.run = run;
    leg.source = source;
    this.track(this.runner.run(leg, source, run.signal, first));
  }

  setStatus(leg: Leg, status: CallStatus): void {
    const call = leg.call;
    if (call.status === status || TERMINAL.has(call.status)) return;
    call.status = status;
    call.dateUpdated = this.now();
    if (status === 'in-progress') call.startTime = this.now();
    this.log(leg, { type: 'status', status });
    const pending = leg.pendingParticipant;
    if (pending && (status === 'initiated' || status === 'ringing')) {
      pending.status = status === 'initiated' ? 'connecting' : 'ringing';
      pending.dateUpdated = this.now();
    }
    const cb = call.statusCallback;
    if (!cb) return;
    const event =
      status === 'in-progress'
        ? 'answered'
        : TERMINAL.has(status)
          ? 'completed'
          : status === 'initiated'
            ? 'initiated'
            : status === 'ringing'
              ? 'ringing'
              : undefined;
    if (!event || !cb.events.includes(event)) return;
    const params: Record<string, string> = {
      ...this.baseParams(leg),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.statusSequence++),
      Timestamp: rfc2822(this.now()),
    };
    if (TERMINAL.has(status)) {
      const seconds = this.callDurationSec(call);
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
      params.SipResponseCode = status === 'completed' ? '200' : '487';
    }
    void this.callbacks.send(`call:${call.sid}`, cb.url, cb.method, params);
  }

  callDurationSec(call: CallRecord): number {
    if (call.startTime === null) return 0;
    return Math.round(((call.endTime ?? this.now()) - call.startTime) / 1000);
  }

  /** Ends a leg and, through the pair, its far end; a leg in a conference leaves it. */
  endLeg(leg: Leg, reason = 'participant_hung_up', status?: CallStatus): void {
    if (leg.ended) return;
    leg.leaveReason ??= reason;
    leg.call.endTime = this.now();
    this.setStatus(leg, status ?? (leg.call.status === 'in-progress' ? 'completed' : 'canceled'));
    leg.lifecycle.abort('ended');
    leg.run?.abort('ended');
    leg.room?.leave(leg);
    if (leg.participant) this.leaveConference(leg);
    for (const fn of leg.onEnd.splice(0)) fn();
    if (leg.peer && !leg.peer.ended) this.endLeg(leg.peer, reason);
    if (![...this.calls.values()].some((l) => !l.ended)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  updateCall(leg: Leg, update: { status?: 'completed' | 'canceled'; source?: TwimlSource }): void {
    if (update.status) {
      this.endLeg(leg, 'participant_updated_via_api');
      return;
    }
    if (update.source) {
      if (leg.participant) {
        leg.leaveReason = 'participant_updated_via_api';
        this.leaveConference(leg);
        leg.leaveReason = undefined;
      }
      this.startRun(leg, update.source, undefined);
    }
  }

  // ---- conferences ------------------------------------------------------------------------------------------

  conferenceFor(key: string, create: boolean): ConferenceState | undefined {
    const bySid = this.conferences.get(key);
    if (bySid) return bySid;
    if (/^CF[0-9a-fA-F]{32}$/.test(key)) return undefined;
    for (const c of this.conferences.values()) {
      if (c.record.friendlyName === key && c.record.status !== 'completed') return c;
    }
    if (!create) return undefined;
    const now = this.now();
    const record: ConferenceRecord = {
      sid: this.sid('CF'),
      friendlyName: key,
      status: 'init',
      dateCreated: now,
      dateUpdated: now,
      reasonEnded: null,
      callSidEnding: null,
    };
    const room = new Room(record.sid, this.clock);
    const state: ConferenceState = {
      record,
      room,
      participants: new Map(),
      joinOrder: [],
      statusCallback: undefined,
      sequence: 1,
      record_: false,
      recordingCallback: undefined,
      recording: undefined,
      releaseHold: undefined,
    };
    room.observe({
      onUtterance: (u, from) => this.recordUtterance(state, u, from),
      onHeard: (listener, u, words) => {
        const leg = this.calls.get(listener.member.id);
        if (leg) this.log(leg, { type: 'heard', from: u.speaker.id, words: words.join(' ') });
      },
    });
    this.conferences.set(record.sid, state);
    return state;
  }

  private newParticipant(
    conference: ConferenceState,
    leg: Leg,
    join: ConferenceJoinOptions,
  ): ParticipantRecord {
    const now = this.now();
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
      conference.record_ = join.record;
      conference.recordingCallback = join.recordingCallback;
    }
    return record;
  }

  /** `<Dial><Conference>`: joins the leg running the TwiML; resolves when it leaves the conference. */
  async dialConference(leg: Leg, noun: ConferenceNoun, signal: AbortSignal): Promise<'completed' | 'failed'> {
    const conference = this.conferenceFor(noun.name, true) as ConferenceState;
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
        this.notify(leg, 16025, error.message, { url: '', method: 'POST' });
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

  private joinConference(conference: ConferenceState, leg: Leg, participant: ParticipantRecord): void {
    leg.pendingParticipant = undefined;
    participant.status = 'connected';
    participant.dateUpdated = this.now();
    leg.participant = { conferenceSid: conference.record.sid, record: participant };
    conference.joinOrder.push(leg.call.sid);
    const speaker = leg.peer;
    if (speaker) {
      if (speaker.room) speaker.room.moveTo(speaker, conference.room);
      else conference.room.join(speaker);
      speaker.room = conference.room;
    }
    this.log(leg, {
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
   * fast clock must not run the lone leg's timers out in the meantime.
   */
  private refreshHold(c: ConferenceState): void {
    let connected = 0;
    let dialing = 0;
    for (const p of c.participants.values()) {
      if (p.record.status === 'connected') connected++;
      else if (p.record.status !== 'complete' && p.record.status !== 'failed') dialing++;
    }
    const waiting = c.record.status === 'init' && connected >= 1 && dialing === 0;
    if (waiting && !c.releaseHold) c.releaseHold = this.clock.hold(this.options.conferenceHoldMs);
    else if (!waiting && c.releaseHold) {
      c.releaseHold();
      c.releaseHold = undefined;
    }
  }

  private startConference(conference: ConferenceState): void {
    conference.record.status = 'in-progress';
    conference.record.dateUpdated = this.now();
    conference.room.activate();
    this.conferenceEvent(conference, 'start', {});
    if (conference.record_) {
      const now = this.now();
      const record: RecordingRecord = {
        sid: this.sid('RE'),
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
      this.recordings.set(record.sid, record);
      conference.recording = { record, segments: record.segments };
      this.recordingEvent(conference, 'in-progress');
    }
  }

  private recordUtterance(conference: ConferenceState, u: Utterance, fromMs: number): void {
    const rec = conference.recording;
    if (rec?.record.status !== 'in-progress') return;
    // The speaker is the far end of a participant leg; its channel is that participant's join position.
    const index = conference.joinOrder.findIndex((sid) => this.calls.get(sid)?.peer?.id === u.speaker.id);
    if (index !== 0 && index !== 1) return;
    rec.segments.push({
      channel: index === 0 ? 1 : 2,
      startSec: Math.max(0, (fromMs - rec.record.startTime) / 1000),
      text: u.text,
      voice: u.voice,
    });
  }

  private leaveConference(leg: Leg): void {
    const p = leg.participant;
    if (!p) return;
    const conference = this.conferences.get(p.conferenceSid);
    leg.participant = undefined;
    if (!conference) return;
    const wasListed = conference.participants.has(leg.call.sid);
    p.record.status = 'complete';
    p.record.dateUpdated = this.now();
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
    this.log(leg, { type: 'conference', event: 'leave', conferenceSid: conference.record.sid, reason });
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
    conference.record.dateUpdated = this.now();
    conference.record.reasonEnded = reason;
    conference.record.callSidEnding = by?.callSid ?? null;
    const leaveReason =
      reason === 'conference-ended-via-api' ? 'conference_ended_via_api' : 'moderator_ended_conference';
    for (const { leg } of [...conference.participants.values()]) {
      leg.leaveReason = leaveReason;
      this.leaveConference(leg);
      leg.leaveReason = undefined;
      // A REST participant's only purpose is the conference: its call ends with it. A <Dial> leg moves on.
      if (!leg.run) this.endLeg(leg, leaveReason);
    }
    conference.room.deactivate();
    this.refreshHold(conference);
    if (started) {
      const params: Record<string, string> = { ReasonConferenceEnded: reason, Reason: reasonText(reason) };
      if (by) params.CallSidEndingConference = by.callSid;
      if (by?.label) params.ParticipantLabelEndingConference = by.label;
      this.conferenceEvent(conference, 'end', params);
    }
    const rec = conference.recording;
    if (rec && rec.record.status === 'in-progress') this.track(this.finishRecording(conference, rec));
  }

  private async finishRecording(
    conference: ConferenceState,
    rec: { record: RecordingRecord; segments: RecordedSegment[] },
  ): Promise<void> {
    const r = rec.record;
    const seconds = Math.max(0, Math.round((this.now() - r.startTime) / 1000));
    r.durationSec = seconds;
    r.status = 'processing';
    r.dateUpdated = this.now();
    try {
      r.media = await this.clock.track(this.options.renderer.render(rec.segments, seconds));
      r.status = 'completed';
    } catch (error) {
      r.status = 'failed';
      this.notify(
        undefined,
        11200,
        `Recording render failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          url: '',
          method: 'GET',
        },
      );
    }
    r.dateUpdated = this.now();
    this.recordingEvent(conference, r.status === 'completed' ? 'completed' : 'failed');
  }

  recordingUrl(sid: string): string {
    return `${this.options.baseUrl()}/2010-04-01/Accounts/${this.options.accountSid}/Recordings/${sid}`;
  }

  private recordingEvent(conference: ConferenceState, status: string): void {
    const cb = conference.recordingCallback;
    const rec = conference.recording?.record;
    if (!cb || !rec || !cb.events.includes(status)) return;
    const params: Record<string, string> = {
      AccountSid: this.options.accountSid,
      ConferenceSid: conference.record.sid,
      RecordingSid: rec.sid,
      RecordingUrl: this.recordingUrl(rec.sid),
      RecordingStatus: status,
      RecordingDuration: String(rec.durationSec ?? 0),
      RecordingChannels: String(rec.channels),
      RecordingStartTime: rfc2822(rec.startTime),
      RecordingSource: 'Conference',
    };
    if (status === 'failed') params.ErrorCode = '11200';
    void this.callbacks.send(`conference:${conference.record.sid}`, cb.url, cb.method, params);
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
      const leg = this.calls.get(sid);
      if (leg) this.log(leg, { type: 'conference', event, conferenceSid: conference.record.sid });
    }
    const cb = conference.statusCallback;
    if (!cb?.events.includes(subscription)) return;
    const params: Record<string, string> = {
      AccountSid: this.options.accountSid,
      ConferenceSid: conference.record.sid,
      FriendlyName: conference.record.friendlyName,
      SequenceNumber: String(conference.sequence++),
      StatusCallbackEvent: event,
      Timestamp: rfc2822(this.now()),
      ...extra,
    };
    void this.callbacks.send(`conference:${conference.record.sid}`, cb.url, cb.method, params);
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
    p.dateUpdated = this.now();
  }

  removeParticipant(leg: Leg): void {
    leg.leaveReason = 'participant_updated_via_api';
    this.endLeg(leg, 'participant_updated_via_api');
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

  private onCallbackSent(
    stream: string,
    url: string,
    params: Record<string, string>,
    outcome: WebhookOutcome,
  ): void {
    // A call stream logs on its call; a conference callback on the participant it is about, if any.
    const [kind, sid] = stream.split(':') as [string, string];
    const callSid = kind === 'call' ? sid : params.CallSid;
    const leg = callSid ? this.calls.get(callSid) : undefined;
    if (leg) {
      this.log(leg, {
        type: 'callback',
        url,
        params,
        status: outcome.ok ? outcome.status : (outcome.status ?? null),
        ok: outcome.ok,
      });
    }
    if (!outcome.ok) this.notify(leg, outcome.code, outcome.message, { url, method: 'POST' }, true);
  }
}

function urlSource(
  url: string | null,
  method: HttpMethod,
  fallbackUrl: string | null,
  fallbackMethod: HttpMethod,
): TwimlSource | undefined {
  if (!url) return undefined;
  return {
    kind: 'url',
    url,
    method,
    fallback: fallbackUrl ? { url: fallbackUrl, method: fallbackMethod } : undefined,
  };
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
