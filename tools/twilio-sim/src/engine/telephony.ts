import { rfc2822 } from '../domain/dates.js';
import type { Random } from '../domain/random.js';
import { newSid } from '../domain/sid.js';
import type { HttpMethod } from '../domain/twiml.js';
import { SimError } from '../errors.js';
import { CallbackSender } from './callbacks.js';
import type { Clock } from './clock.js';
import { type ConferenceJoinOptions, Conferences } from './conferences.js';
import { Leg, type TwimlSource } from './leg.js';
import type {
  ApplicationRecord,
  Callback,
  CallEvent,
  CallRecord,
  CallStatus,
  Direction,
  NotificationRecord,
  ParticipantRecord,
  PhoneNumberRecord,
  RecordingRecord,
} from './model.js';
import type { RecordingRenderer, SpeechRecognizer, SpeechTiming } from './ports.js';
import { Retention } from './retention.js';
import { Room } from './room.js';
import { TwimlRunner } from './runner.js';
import { WebhookClient, type WebhookOutcome, type WebhookTransport } from './webhooks.js';

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
  /** How webhooks reach the application (HTTP unless the application runs in the same process). */
  webhookTransport: WebhookTransport;
  /** Clock time between dialling and the far end's first webhook. */
  ringMs: number;
  /** Real ms the fast clock waits for a conference's next participant before moving on without it. */
  conferenceHoldMs: number;
  /** TwiML run by the far end of a call to a number the sim does not own. */
  defaultAnswerTwiml: string;
  /** Absolute base URL of the sim, for RecordingUrl and similar. */
  baseUrl: () => string;
  /** Internal errors of background work (a sim bug, not a Twilio behaviour). */
  onError?: (error: unknown) => void;
  /**
   * How many finished things of each kind are kept for REST and inspection (ended legs, completed conferences,
   * recordings and transcripts, notifications): the newest ones; older ones are forgotten (404, as if deleted).
   */
  retainFinished: number;
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

const TERMINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** The telephony core: calls, legs, conferences, callbacks and recordings. REST and TwiML both drive it. */
export class Telephony {
  readonly calls = new Map<string, Leg>();
  readonly conferences: Conferences;
  readonly numbers = new Map<string, PhoneNumberRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly recordings = new Map<string, RecordingRecord>();
  readonly notifications: NotificationRecord[] = [];
  /** Finished things kept for REST, each kind bounded by `retainFinished` (README, "Retention"). */
  readonly retention: Record<'legs' | 'conferences' | 'recordings' | 'transcripts', Retention>;
  readonly webhooks: WebhookClient;
  readonly callbacks: CallbackSender;
  private readonly runner: TwimlRunner;
  private readonly pending = new Set<Promise<unknown>>();
  private idleWaiters: Array<() => void> = [];

  constructor(readonly options: TelephonyOptions) {
    this.webhooks = new WebhookClient({
      authToken: options.authToken,
      clock: options.clock,
      timeoutMs: options.webhookTimeoutMs,
      transport: options.webhookTransport,
    });
    this.callbacks = new CallbackSender(this.webhooks, (stream, url, params, outcome) =>
      this.onCallbackSent(stream, url, params, outcome),
    );
    this.runner = new TwimlRunner(this);
    this.conferences = new Conferences(this);
    const keep = options.retainFinished;
    this.retention = {
      legs: new Retention(keep),
      conferences: new Retention(keep),
      recordings: new Retention(keep),
      transcripts: new Retention(keep),
    };
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
    leg.events.push({ at: new Date(leg.clock.now()).toISOString(), ...event } as CallEvent);
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
      dateCreated: leg?.clock.now() ?? this.now(),
    };
    this.notifications.push(record);
    const over = this.notifications.length - this.options.retainFinished;
    if (over > 0) this.notifications.splice(0, over);
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
    // A bug in a call's background work must not become an unhandled rejection that takes the whole sim down.
    const guarded = work.catch((error: unknown) => this.options.onError?.(error));
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
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
    clock: Clock;
    to: string;
    from: string;
    direction: Direction;
    parentCallSid?: string | null;
    phoneNumberSid?: string | null;
    hidden?: boolean;
    statusCallback: Callback | undefined;
    extraParams?: Record<string, string>;
  }): Leg {
    const now = input.clock.now();
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
    const leg = new Leg(call, input.clock);
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
      // Calls placed with POST Calls.json share the sim's clock: they may meet later in a <Dial><Conference>, and
      // legs that meet must have one timeline. A conference made by the Participants API has a clock of its own.
      clock: this.clock,
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
        this.bridgePair(leg);
        if (leg.source) this.startRun(leg, leg.source, undefined);
      }),
    );
    return leg;
  }

  /** A leg and its far end in a room of their own: they hear each other directly. */
  private bridgePair(leg: Leg): void {
    const room = new Room(leg.call.sid, leg.clock);
    for (const l of [leg, leg.peer]) {
      if (!l || l.ended) continue;
      if (l.room) l.room.moveTo(l, room);
      else room.join(l);
      l.room = room;
      l.homeRoom = room;
    }
    room.activate();
  }

  createParticipant(
    conferenceKey: string,
    input: CreateParticipantInput,
  ): { leg: Leg; participant: ParticipantRecord } {
    const conference = this.conferences.conferenceFor(conferenceKey, true);
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
    this.conferences.assertLabelFree(conference, input.join.label);
    const leg = this.newLeg({
      clock: conference.clock,
      to: input.to,
      from: input.from,
      direction: 'outbound-api',
      statusCallback: input.statusCallback,
    });
    const participant = this.conferences.newParticipant(conference, leg, input.join);
    leg.pendingParticipant = participant;
    leg.onEnd.push(() => {
      // Never reached the conference (no answer, far end failed, hung up while ringing).
      if (participant.status === 'connected' || participant.status === 'complete') return;
      participant.status = 'failed';
      participant.dateUpdated = leg.clock.now();
      conference.participants.delete(leg.call.sid);
      this.conferences.refreshHold(conference);
    });
    this.conferences.refreshHold(conference);
    this.track(
      this.dialOut(leg, () => {
        if (conference.record.status === 'completed') {
          this.endLeg(leg, 'participant_add_failed');
          return;
        }
        this.conferences.joinConference(conference, leg, participant);
      }),
    );
    return { leg, participant };
  }

  /** Dials the far end of `leg`, waits for it to answer, then hands over to `onAnswered`. */
  private async dialOut(leg: Leg, onAnswered: () => void): Promise<void> {
    try {
      // The REST response goes out with the call still queued, as Twilio's does.
      await leg.clock.sleep(0, leg.lifecycle.signal);
      this.setStatus(leg, 'initiated');
      await leg.clock.sleep(this.options.ringMs, leg.lifecycle.signal);
      this.setStatus(leg, 'ringing');
      const target = this.resolveTarget(leg.call.to);
      const far = this.newLeg({
        clock: leg.clock,
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
      // A REST update while it rang already gave the far end new TwiML: that wins over the first document.
      if (!far.run) this.startRun(far, far.source, first);
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
    const now = leg.clock.now();
    call.status = status;
    call.dateUpdated = now;
    if (status === 'in-progress') call.startTime = now;
    this.log(leg, { type: 'status', status });
    const pending = leg.pendingParticipant;
    if (pending && (status === 'initiated' || status === 'ringing')) {
      pending.status = status === 'initiated' ? 'connecting' : 'ringing';
      pending.dateUpdated = now;
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
      Timestamp: rfc2822(now),
    };
    if (TERMINAL.has(status)) {
      const seconds = this.callDurationSec(leg);
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
      params.SipResponseCode = status === 'completed' ? '200' : '487';
    }
    void this.callbacks.send(`call:${call.sid}`, leg.clock, cb.url, cb.method, params);
  }

  callDurationSec(leg: Leg): number {
    const call = leg.call;
    if (call.startTime === null) return 0;
    return Math.round(((call.endTime ?? leg.clock.now()) - call.startTime) / 1000);
  }

  /** Ends a leg and, through the pair, its far end; a leg in a conference leaves it. */
  endLeg(leg: Leg, reason = 'participant_hung_up', status?: CallStatus): void {
    if (leg.ended) return;
    leg.leaveReason ??= reason;
    leg.call.endTime = leg.clock.now();
    this.setStatus(leg, status ?? (leg.call.status === 'in-progress' ? 'completed' : 'canceled'));
    leg.lifecycle.abort('ended');
    leg.run?.abort('ended');
    leg.room?.leave(leg);
    if (leg.participant) this.conferences.leaveConference(leg);
    for (const fn of leg.onEnd.splice(0)) fn();
    const sid = leg.call.sid;
    this.retention.legs.finish(sid, () => {
      if (this.calls.get(sid) === leg) this.calls.delete(sid);
    });
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
        // Out of the conference, the participant call and its far end hear each other directly (the far end's
        // open <Gather> moves along instead of being cut off).
        if (!leg.homeRoom) this.bridgePair(leg);
        leg.leaveReason = 'participant_updated_via_api';
        this.conferences.leaveConference(leg);
        leg.leaveReason = undefined;
      }
      this.startRun(leg, update.source, undefined);
    }
  }

  recordingUrl(sid: string): string {
    return `${this.options.baseUrl()}/2010-04-01/Accounts/${this.options.accountSid}/Recordings/${sid}`;
  }

  removeParticipant(leg: Leg): void {
    leg.leaveReason = 'participant_updated_via_api';
    this.endLeg(leg, 'participant_updated_via_api');
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
