import { randomUUID } from 'node:crypto';
import type { EventBus, Subscription } from '@synthcall/event-bus';
import { callLogger, type Logger } from '@synthcall/logging';
import type { Registry } from '@synthcall/metrics';
import {
  type CallLifecycle,
  type ReplyReady,
  type Role,
  TOPICS,
  type TopicBinding,
  type UtteranceHeard,
} from '@synthcall/schemas';
import { TWILIO_API_ORIGIN } from '@synthcall/twilio-client';
import express, { type NextFunction, type Request, type Response } from 'express';
import twilio from 'twilio';
import type { z } from 'zod';
import { CallBook } from './call-book.js';
import { bodyLimitBytes, type Config, gatherTimeoutSec } from './config.js';
import {
  callLifecycle,
  conferenceLifecycle,
  gatewayEnd,
  recordingCompleted,
  unplannedEnd,
} from './domain/status-events.js';
import { TtlMap } from './domain/ttl-map.js';
import {
  fallbackReply,
  heardAfterSpeaking,
  planWait,
  replyTurnAfter,
  speakerOf,
  turnKey,
  utteranceEventId,
  waitedAfterRedirect,
} from './domain/turns.js';
import { formBody } from './http/form-body.js';
import {
  callIdSchema,
  callStatusParams,
  conferenceStatusParams,
  describeIssues,
  gatherParams,
  recordingStatusParams,
  voiceParams,
  waitParams,
} from './http/webhook-schemas.js';
import { createGatewayMetrics, type GatewayMetrics, type RouteLabel } from './metrics.js';
import { type CallRecords, Reconciler } from './reconciler.js';
import { checkSignature } from './signature.js';
import { SpokenLines } from './spoken-lines.js';
import { hangupTwiml, holdTwiml, listenTwiml, replyTwiml } from './twiml.js';
import type { VoiceIntelligence } from './voice-intelligence.js';

export type GatewayConfig = Pick<
  Config,
  | 'GATEWAY_PUBLIC_URL'
  | 'TWILIO_AUTH_TOKEN'
  | 'REPLY_HOLD_MS'
  | 'REPLY_TIMEOUT_MS'
  | 'FALLBACK_RUN_LIMIT'
  | 'CALL_TTL_MS'
  | 'BODY_LIMIT'
> &
  Partial<Pick<Config, 'CALL_RETAIN_ENDED'>> &
  Partial<
    Pick<
      Config,
      'RECONCILE_INTERVAL_MS' | 'RECONCILE_QUIET_MS' | 'RECONCILE_LOOKBACK_MS' | 'TWILIO_API_BASE_URL'
    >
  >;

/** The topics the gateway reads and writes; tests and embedded runs may bind the same schemas to other names. */
export interface GatewayTopics {
  calls: TopicBinding<'CallPlanned'>;
  replies: TopicBinding<'ReplyReady'>;
  utterances: TopicBinding<'UtteranceHeard'>;
  callEvents: TopicBinding<'CallLifecycle'>;
  recordings: TopicBinding<'RecordingCompleted'>;
  transcripts?: TopicBinding<'TranscriptAnalyzed'>;
}

export const DEFAULT_TOPICS: GatewayTopics = {
  calls: TOPICS.calls,
  replies: TOPICS.replies,
  utterances: TOPICS.utterances,
  callEvents: TOPICS.callEvents,
  recordings: TOPICS.recordings,
  transcripts: TOPICS.transcripts,
};

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  registry: Registry;
  bus: EventBus;
  /** Epoch milliseconds; injected so tests and replays control time stamps. */
  now?: () => number;
  /** Names this replica's own consumer groups; a fresh random id per process by default. */
  instanceId?: string;
  topics?: GatewayTopics;
  /**
   * Voice Intelligence: when set, each completed recording is transcribed (channel 1 customer, 2 agent, customer key =
   * callId) and the transcript-available webhook becomes a TranscriptAnalyzed event. Unset: recordings only.
   */
  intelligence?: VoiceIntelligence;
  /**
   * Twilio's REST API: when set, calls whose callbacks were lost are reconciled from it (`reconciler.ts`), including
   * every call in flight when this gateway starts. Unset: callbacks only.
   */
  callRecords?: CallRecords;
}

export interface Gateway {
  /** The express app: mount it on any HTTP server (main.ts listens; an embedded runner may share a server). */
  readonly handler: express.Express;
  readonly book: CallBook;
  /** The consumer groups this replica reads `replies` and `calls` with. */
  readonly groups: { replies: string; calls: string };
  /** Subscriptions are live (a reply published from now on reaches this replica). */
  ready(): boolean;
  /** Lets every held webhook answer at once (with a redirect, usually): first shutdown step. */
  releaseHeldWebhooks(): void;
  /** The reconciler, when `callRecords` was given. */
  readonly reconciler: Reconciler | undefined;
  /** Leaves the consumer groups. */
  close(): Promise<void>;
}

export const WEBHOOK_PATHS = {
  voice: '/twilio/voice',
  gather: '/twilio/gather',
  wait: '/twilio/wait',
  statusConference: '/twilio/status/conference',
  statusCall: '/twilio/status/call',
  statusRecording: '/twilio/status/recording',
  intelligence: '/twilio/intelligence',
} as const;

const ROUTES: Readonly<Record<string, RouteLabel>> = {
  [WEBHOOK_PATHS.voice]: 'voice',
  [WEBHOOK_PATHS.gather]: 'gather',
  [WEBHOOK_PATHS.wait]: 'wait',
  [WEBHOOK_PATHS.statusConference]: 'status_conference',
  [WEBHOOK_PATHS.statusCall]: 'status_call',
  [WEBHOOK_PATHS.statusRecording]: 'status_recording',
  [WEBHOOK_PATHS.intelligence]: 'intelligence',
};

/** Longest a line waits for its spoken record to be written before the leg hears it anyway (a broker away). */
const SPOKEN_WAIT_MS = 1_000;
/**
 * Twilio waits 15 s for a webhook's answer, then says its application error and hangs up, discarding a late answer.
 * A line is handed to a leg (and recorded as spoken) only if the answer leaves within this much of the webhook's
 * arrival, the spoken record's wait included: the rest is room for the network and a busy event loop. A webhook that
 * took longer (a slow publish while the broker was away) answers with a silent hold instead; if the leg still
 * listens, it comes back on the wait route and hears the line then.
 */
export const ANSWER_DEADLINE_MS = 12_000;
/**
 * How long a Gather webhook waits for what the leg heard to be published (from its arrival) before it holds the leg
 * and comes back (a broker away): room is left for the reply hold and the answer within ANSWER_DEADLINE_MS.
 */
const PUBLISH_WAIT_MS = 8_000;
/** Holds for a slow publish stop after this long in all: the webhook then waits for the publish, or fails with it. */
const PUBLISH_HOLD_LIMIT_MS = 60_000;
/** Longest a fallback waits to come back through `replies` before it is spoken anyway. */
const ECHO_WAIT_MS = 1_000;
const UNKNOWN_CALL_LINE = 'Sorry, this call is not recognised. Goodbye.';
const CONFERENCE_PREFIX = 'synthcall-';
/** Marks the fallbacks a gateway publishes on `replies`, so replicas count runs of them apart from engine lines. */
const ORIGIN_HEADER = 'synthcall-origin';
const GATEWAY_ORIGIN = 'twiml-gateway';

class BadWebhook extends Error {
  override readonly name = 'BadWebhook';
  constructor(
    message: string,
    readonly code = 'SYNTH_WEBHOOK_INVALID',
  ) {
    super(message);
  }
}

/** Where Twilio (and twilio-sim) keep a call's recordings: `<api origin>/2010-04-01/Accounts/<AC…>/Recordings/<RE…>`. */
const RECORDING_PATH = /^\/2010-04-01\/Accounts\/AC[0-9a-fA-F]{32}\/Recordings\/RE[0-9a-fA-F]{32}$/;

/**
 * Builds the gateway: the express app for every Twilio webhook and the `replies` / `calls` subscriptions that let
 * any replica answer any webhook. Neither listens nor connects to anything but the bus it is given.
 */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger, bus } = deps;
  const now = deps.now ?? Date.now;
  const topics = deps.topics ?? DEFAULT_TOPICS;
  const instanceId = deps.instanceId ?? randomUUID();
  const metrics = createGatewayMetrics(deps.registry);
  // What this replica published per call and (role, heard): a retried Gather webhook reuses it, never a new event.
  const utterances = new TtlMap<Map<string, Promise<UtteranceHeard>>>(config.CALL_TTL_MS, now);
  // Lifecycle event ids this replica published, per call.
  const lifecycleSeen = new TtlMap<Set<string>>(config.CALL_TTL_MS, now);
  // Calls Twilio's REST API confirmed this system placed (see placedByUs).
  const vouched = new TtlMap<true>(config.CALL_TTL_MS, now);
  const book = new CallBook({
    ttlMs: config.CALL_TTL_MS,
    now,
    ...(config.CALL_RETAIN_ENDED !== undefined ? { retainEnded: config.CALL_RETAIN_ENDED } : {}),
    // An ended call the book forgets takes what the webhooks kept of it along.
    onForget: (callId) => {
      utterances.delete(callId);
      lifecycleSeen.delete(callId);
      vouched.delete(callId);
    },
  });
  // Recordings this replica asked Voice Intelligence to transcribe: a redelivered callback asks once.
  const transcribed = new TtlMap<true>(config.CALL_TTL_MS, now);

  const groups = {
    replies: `twiml-gateway.replies.${instanceId}`,
    calls: `twiml-gateway.calls.${instanceId}`,
  };
  // Replies first: a CallPlanned is harmless to miss (replies carry voices), a reply is not.
  const subscriptions: Subscription[] = [];
  try {
    subscriptions.push(
      await bus.subscribe({
        topic: topics.replies,
        group: groups.replies,
        ephemeral: true,
        fromBeginning: false,
        handler: async ({ value, headers }) => {
          // A gateway also records the engine lines it spoke (SpokenLines): only its fallbacks make a run of them.
          const origin = headers[ORIGIN_HEADER] === GATEWAY_ORIGIN && value.fallback ? 'gateway' : 'engine';
          const { accepted, winner } = book.offerReply(value, origin);
          if (accepted) return;
          const log = callLogger(logger, value.callId);
          const fields = { role: value.role, turn: value.turn, fallback: value.fallback };
          if (value.endCall && !winner.endCall)
            log.info(
              { ...fields, endReason: value.endReason },
              'late end of call: the line already spoken stands, the call ends',
            );
          else log.debug(fields, 'reply ignored: the turn already has one');
        },
      }),
    );
    subscriptions.push(
      await bus.subscribe({
        topic: topics.calls,
        group: groups.calls,
        ephemeral: true,
        fromBeginning: false,
        handler: async ({ value }) => book.plan(value),
      }),
    );
  } catch (err) {
    await Promise.allSettled(subscriptions.map((s) => s.close()));
    throw err;
  }
  let reconciler: Reconciler | undefined;
  if (deps.callRecords) {
    reconciler = new Reconciler({
      bus,
      topics,
      records: deps.callRecords,
      logger,
      now,
      intervalMs: config.RECONCILE_INTERVAL_MS ?? 30_000,
      quietMs: config.RECONCILE_QUIET_MS ?? 120_000,
      lookbackMs: config.RECONCILE_LOOKBACK_MS ?? 2 * 60 * 60 * 1000,
      intelligence: deps.intelligence,
      transcribed,
    });
    try {
      await reconciler.start();
    } catch (err) {
      await Promise.allSettled(subscriptions.map((s) => s.close()));
      throw err;
    }
  }
  let open = true;

  // Only a call this system placed may publish anything: a signed webhook naming a call nobody placed (a forged or
  // replayed request made with a leaked auth token) is answered, logged and dropped. A call is known when this
  // replica's book holds it, when the reconciler read its CallPlanned (replayed after a restart, so calls in flight
  // across a gateway restart stay known), or, last, when Twilio's REST API knows the conference or leg the webhook
  // names. A lookup that fails propagates (502/500): nothing is published on a guess.
  async function placedByUs(
    callId: string,
    sids: { callSid?: string | undefined; conferenceSid?: string | undefined },
  ): Promise<boolean> {
    if (book.call(callId) || vouched.has(callId) || reconciler?.knows(callId)) return true;
    if (await book.waitForCall(callId, config.REPLY_HOLD_MS)) return true;
    const records = deps.callRecords;
    let found = false;
    if (records && sids.conferenceSid)
      found = (await records.conference({ sid: sids.conferenceSid, friendlyName: '' })) !== null;
    if (records && !found && sids.callSid) found = (await records.leg(sids.callSid)) !== null;
    if (found) vouched.set(callId, true);
    return found;
  }
  function unknownCall(callId: string, route: string): void {
    callLogger(logger, callId).warn(
      { route, code: 'SYNTH_UNKNOWN_CALL' },
      'signed webhook for a call nobody placed: nothing published',
    );
  }

  const urls = webhookUrls(config.GATEWAY_PUBLIC_URL);
  // A recording callback's URL is published for others to fetch: only the API this gateway is configured for may
  // serve it (never a file:, an internal host, or any other origin a signed-but-wrong callback could name).
  const recordingOrigin = new URL(
    config.TWILIO_API_BASE_URL ?? deps.intelligence?.apiOrigin ?? TWILIO_API_ORIGIN,
  ).origin;
  const spoken = new SpokenLines({
    bus,
    replies: topics.replies,
    logger,
    headers: { [ORIGIN_HEADER]: GATEWAY_ORIGIN },
  });
  const turns = new TurnResponder({ config, book, bus, topics, metrics, logger, now, urls, spoken });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(timing(metrics, now));
  const parseForm = formBody(bodyLimitBytes(config.BODY_LIMIT));
  const guard = [
    requireSignatureHeader(metrics, logger),
    parseForm,
    verifySignature(config, metrics, logger),
  ];

  app.post(WEBHOOK_PATHS.voice, guard, async (req: Request, res: Response) => {
    const started = now();
    const p = parse(voiceParams, req);
    const log = callLogger(logger, p.callId);
    // CallPlanned precedes the conference, so a real call is known by the time its legs answer.
    if (!(await book.waitForCall(p.callId, config.REPLY_HOLD_MS))) {
      log.warn({ role: p.role, route: 'voice' }, 'webhook for an unknown call: hanging up');
      return sendTwiml(res, hangupTwiml(UNKNOWN_CALL_LINE));
    }
    if (p.role === 'agent') return sendTwiml(res, await turns.answer(p.callId, 'agent', 0, 0, started));
    if (book.call(p.callId)?.ended) return sendTwiml(res, hangupTwiml());
    return sendTwiml(res, turns.listen(p.callId, 'customer', 0));
  });

  app.post(WEBHOOK_PATHS.gather, guard, async (req: Request, res: Response) => {
    const started = now();
    const p = parse(gatherParams, req);
    if (speakerOf(p.heard) === p.role)
      throw new BadWebhook(`heard: turn ${p.heard} is spoken by the ${p.role}, who cannot hear it`);
    const replyTurn = replyTurnAfter(p.heard);
    if (!(await placedByUs(p.callId, { callSid: p.CallSid }))) {
      unknownCall(p.callId, 'gather');
      return sendTwiml(res, hangupTwiml(UNKNOWN_CALL_LINE));
    }
    // A duplicate of a webhook already answered: the same line again, nothing published.
    const decided = book.reply(p.callId, p.role, replyTurn);
    if (decided) return sendTwiml(res, await turns.speak(decided, 0, started));
    const awaited = book.reply(p.callId, speakerOf(p.heard), p.heard);
    // This leg cut into the other leg's last line (its farewell, said to the end before the hang-up; the Gather ended
    // at maxSpeechTime): nothing to answer, and hanging up would cut the farewell. It listens on until the call ends.
    if (p.SpeechResult && awaited?.endCall && book.reply(p.callId, p.role, p.heard - 1)?.cutInAfterSec)
      return sendTwiml(res, turns.listen(p.callId, p.role, p.heard, 0, false));
    // After the end the other leg may still hear the farewell: nothing to publish, nothing to say.
    if (book.call(p.callId)?.ended) return sendTwiml(res, hangupTwiml());
    // Silence while the line this leg waits for is not produced yet: the other leg is still waiting for it, so this
    // one listens again. Reported, the empty turn would answer a line the engine has not made (a deadlock). Silence
    // while the other leg pauses before its line (a hold) is that pause: this leg listens on for as long as it lasts,
    // once. Silence after that (the line after the hold went unheard) is reported, or both legs would listen forever.
    if (!p.SpeechResult && book.call(p.callId) && (!awaited || (awaited.pauseSec && !p.held)))
      return sendTwiml(res, turns.listen(p.callId, p.role, p.heard, awaited?.pauseSec ?? 0));
    // After cutting into the other leg's line (planned with this leg's line three turns back), speech before the line
    // this leg waits for was even made is not that line: it is the end of the cut line, still going when this leg's
    // interjection ended. The leg listens again, publishing nothing.
    const cutInto = book.reply(p.callId, p.role, p.heard - 3)?.cutInAfterSec;
    if (p.SpeechResult && book.call(p.callId) && !awaited && cutInto)
      return sendTwiml(res, turns.listen(p.callId, p.role, p.heard));

    // When the leg's Gather ended: this webhook's arrival, or the first visit's when the gateway held the leg.
    const heardAt = p.at ?? started;
    const key = turnKey(p.callId, p.role, p.heard);
    let published = utterances.get(p.callId)?.get(key);
    if (!published) {
      const event: UtteranceHeard = {
        eventId: utteranceEventId(p.callId, p.role, p.heard),
        callId: p.callId,
        role: p.role,
        turn: p.heard,
        text: p.SpeechResult ?? '',
        confidence: p.SpeechResult ? p.Confidence : null,
        callSid: p.CallSid,
        heardAt: new Date(heardAt),
      };
      published = bus.publish(topics.utterances, p.callId, event).then(() => event);
      const ofCall = utterances.get(p.callId) ?? new Map<string, Promise<UtteranceHeard>>();
      ofCall.set(key, published);
      utterances.set(p.callId, ofCall);
      // A failed publish must not stick: Twilio's retry of this webhook gets to try again.
      published.catch(() => utterances.get(p.callId)?.delete(key));
    }
    // A publish slower than Twilio waits (the broker away) would cost the call an application error and a hang-up:
    // the leg is held and comes back here, with what it heard in the URL, while the publish goes on.
    // A failed publish within that time holds the leg too: the next visit publishes again.
    const holding = p.waited ?? 0;
    if (holding < PUBLISH_HOLD_LIMIT_MS) {
      let failure: unknown;
      const through = await settledWithin(published, PUBLISH_WAIT_MS - (now() - started)).catch(
        (err: unknown) => {
          failure = err;
          return false;
        },
      );
      if (!through) {
        const waited = waitedAfterRedirect(holding, now() - started);
        callLogger(logger, p.callId).warn(
          { role: p.role, heard: p.heard, waitedMs: waited, ...(failure ? { err: failure } : {}) },
          failure
            ? 'publishing what the leg heard failed (the broker away?): holding the leg, trying again'
            : 'publishing what the leg heard is slow (the broker away?): holding the leg',
        );
        return sendTwiml(res, holdTwiml(urls.gatherAgain(p, waited, heardAt)));
      }
    }
    await published;
    return sendTwiml(res, await turns.answer(p.callId, p.role, replyTurn, 0, started));
  });

  app.post(WEBHOOK_PATHS.wait, guard, async (req: Request, res: Response) => {
    const started = now();
    const p = parse(waitParams, req);
    if (speakerOf(p.turn) !== p.role)
      throw new BadWebhook(`turn: turn ${p.turn} is spoken by the ${speakerOf(p.turn)}, not the ${p.role}`);
    if (!(await placedByUs(p.callId, { callSid: p.CallSid }))) {
      unknownCall(p.callId, 'wait');
      return sendTwiml(res, hangupTwiml(UNKNOWN_CALL_LINE));
    }
    return sendTwiml(res, await turns.answer(p.callId, p.role, p.turn, p.waited, started));
  });

  app.post(WEBHOOK_PATHS.statusConference, guard, async (req: Request, res: Response) => {
    const p = parse(conferenceStatusParams, req);
    const callId =
      p.callId ?? callIdFromConferenceName(p.FriendlyName) ?? book.callIdOfConference(p.ConferenceSid);
    if (!callId)
      throw new BadWebhook('callId: missing (no callId parameter and no synthcall- conference name)');
    if (!(await placedByUs(callId, { conferenceSid: p.ConferenceSid, callSid: p.CallSid }))) {
      unknownCall(callId, 'status/conference');
      return res.status(404).type('text/plain').send('unknown call');
    }
    book.rememberConference(p.ConferenceSid, callId);
    const callback = { ...p, callId, occurredAt: p.Timestamp ?? new Date(now()) };
    const event = conferenceLifecycle(callback);
    // Before anything is published (a publish may wait out a broker restart): from now on no leg of this call hears a
    // line, so none is handed over or recorded as spoken.
    if (event?.type === 'conference_ended') book.markEnded(callId);
    if (event && !lifecycleSeen.get(callId)?.has(event.eventId)) {
      // Claimed before publishing so a concurrent duplicate cannot count the conference twice; released on failure.
      const seen = lifecycleSeen.get(callId) ?? new Set<string>();
      seen.add(event.eventId);
      lifecycleSeen.set(callId, seen);
      await publishLifecycle(event).catch((err: unknown) => {
        lifecycleSeen.get(callId)?.delete(event.eventId);
        throw err;
      });
      if (event.type === 'conference_started') metrics.conferenceStarted();
      if (event.type === 'conference_ended') {
        metrics.conferenceEnded();
        // After a restart the book does not know ends decided before it; the reconciler read them from call-events.
        if (!book.call(callId)?.endDecided && !reconciler?.endKnown(callId)) {
          callLogger(logger, callId).warn(
            { reason: p.ReasonConferenceEnded },
            'conference ended before the conversation did',
          );
          await publishLifecycle(unplannedEnd(callback));
        }
      }
    }
    res.status(204).end();
  });

  app.post(WEBHOOK_PATHS.statusCall, guard, async (req: Request, res: Response) => {
    const p = parse(callStatusParams, req);
    if (!(await placedByUs(p.callId, { callSid: p.CallSid }))) {
      unknownCall(p.callId, 'status/call');
      return res.status(404).type('text/plain').send('unknown call');
    }
    const event = callLifecycle({ ...p, role: p.role ?? null, occurredAt: p.Timestamp ?? new Date(now()) });
    if (event) await publishLifecycle(event);
    res.status(204).end();
  });

  app.post(WEBHOOK_PATHS.statusRecording, guard, async (req: Request, res: Response) => {
    const p = parse(recordingStatusParams, req);
    const callId = p.callId ?? (p.ConferenceSid ? book.callIdOfConference(p.ConferenceSid) : undefined);
    if (!callId) throw new BadWebhook('callId: missing (no callId parameter and no known ConferenceSid)');
    const recordingUrl = new URL(p.RecordingUrl);
    if (recordingUrl.origin !== recordingOrigin || !RECORDING_PATH.test(recordingUrl.pathname))
      throw new BadWebhook(
        `RecordingUrl: must be a recording on ${recordingOrigin} (/2010-04-01/Accounts/AC…/Recordings/RE…)`,
        'SYNTH_RECORDING_URL_INVALID',
      );
    if (!(await placedByUs(callId, { conferenceSid: p.ConferenceSid }))) {
      unknownCall(callId, 'status/recording');
      return res.status(404).type('text/plain').send('unknown call');
    }
    const event = recordingCompleted({
      ...p,
      callId,
      completedAt: p.Timestamp ?? new Date(now()),
    });
    if (event) await bus.publish(topics.recordings, callId, event);
    if (event && deps.intelligence && !transcribed.get(event.recordingSid)) {
      transcribed.set(event.recordingSid, true);
      try {
        const transcriptSid = await deps.intelligence.createTranscript({
          callId,
          recordingSid: event.recordingSid,
        });
        callLogger(logger, callId).info(
          { transcriptSid, recordingSid: event.recordingSid },
          'transcript requested',
        );
      } catch (err) {
        // The recording event is out already; a transcript that cannot be created is logged, not retried by Twilio.
        transcribed.delete(event.recordingSid);
        callLogger(logger, callId).error(
          { code: 'SYNTH_TRANSCRIPT_FAILED', recordingSid: event.recordingSid, err: (err as Error).message },
          'could not create the Voice Intelligence transcript',
        );
      }
    }
    res.status(204).end();
  });

  // Voice Intelligence posts JSON, signed over the URL whose bodySHA256 parameter covers the body.
  app.post(
    WEBHOOK_PATHS.intelligence,
    requireSignatureHeader(metrics, logger),
    express.raw({ type: () => true, limit: config.BODY_LIMIT }),
    (req: Request, res: Response, next: NextFunction) => {
      const url = `${config.GATEWAY_PUBLIC_URL}${req.originalUrl}`;
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      if (
        twilio.validateRequestWithBody(
          config.TWILIO_AUTH_TOKEN,
          req.get('x-twilio-signature') ?? '',
          url,
          raw,
        )
      ) {
        return next();
      }
      metrics.signatureFailure('invalid');
      logger.warn({ route: 'intelligence', path: req.path }, 'webhook with an invalid X-Twilio-Signature');
      res.status(403).type('text/plain').send('invalid X-Twilio-Signature');
    },
    async (req: Request, res: Response) => {
      let body: { transcript_sid?: unknown; customer_key?: unknown; event_type?: unknown };
      try {
        body = JSON.parse((req.body as Buffer).toString('utf8'));
      } catch {
        throw new BadWebhook('body: not JSON');
      }
      if (typeof body.transcript_sid !== 'string' || !/^GT[0-9a-f]{32}$/.test(body.transcript_sid)) {
        throw new BadWebhook('transcript_sid: missing or not a GT SID');
      }
      if (typeof body.customer_key !== 'string' || body.customer_key === '') {
        throw new BadWebhook('customer_key: missing (it carries the callId)');
      }
      if (!deps.intelligence || !topics.transcripts) {
        logger.warn(
          { route: 'intelligence' },
          'transcript webhook while Voice Intelligence is not configured',
        );
        res.status(204).end();
        return;
      }
      const analyzed = await deps.intelligence.analyzed({
        callId: body.customer_key,
        transcriptSid: body.transcript_sid,
        now: new Date(now()),
      });
      await bus.publish(topics.transcripts, analyzed.callId, analyzed);
      res.status(204).end();
    },
  );

  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('not found');
  });
  app.use(errorHandler(logger));

  async function publishLifecycle(event: CallLifecycle): Promise<void> {
    await bus.publish(topics.callEvents, event.callId, event);
  }

  return {
    handler: app,
    book,
    groups,
    reconciler,
    ready: () => open,
    releaseHeldWebhooks: () => book.close(),
    async close() {
      if (!open) return;
      open = false;
      book.close();
      await Promise.all([...subscriptions.map((s) => s.close()), reconciler?.close(), spoken.close()]);
    },
  };
}

interface WebhookUrls {
  /** `held`: the Gather that listens through the other leg's hold, whose silence is awaited once, not again. */
  gather(callId: string, role: Role, heard: number, held?: boolean): string;
  /** The Gather webhook `p` once more (a redirect while its publish is slow), with what the leg heard and when. */
  gatherAgain(p: z.output<typeof gatherParams>, waited: number, heardAt: number): string;
  wait(callId: string, role: Role, turn: number, waited: number): string;
}

/** Absolute URLs: Twilio signs what it requests, and the gateway checks against its public URL anyway. */
function webhookUrls(publicUrl: string): WebhookUrls {
  const at = (path: string, query: Record<string, string>) =>
    `${publicUrl}${path}?${new URLSearchParams(query).toString()}`;
  return {
    gather: (callId, role, heard, held = false) =>
      at(WEBHOOK_PATHS.gather, { callId, role, heard: String(heard), ...(held ? { held: '1' } : {}) }),
    gatherAgain: (p, waited, heardAt) =>
      at(WEBHOOK_PATHS.gather, {
        callId: p.callId,
        role: p.role,
        heard: String(p.heard),
        ...(p.held ? { held: p.held } : {}),
        ...(p.SpeechResult !== undefined ? { SpeechResult: p.SpeechResult } : {}),
        ...(p.Confidence !== undefined && p.Confidence !== null ? { Confidence: String(p.Confidence) } : {}),
        waited: String(waited),
        at: String(heardAt),
      }),
    wait: (callId, role, turn, waited) =>
      at(WEBHOOK_PATHS.wait, { callId, role, turn: String(turn), waited: String(waited) }),
  };
}

interface TurnResponderDeps {
  config: GatewayConfig;
  book: CallBook;
  bus: EventBus;
  topics: GatewayTopics;
  metrics: GatewayMetrics;
  logger: Logger;
  now: () => number;
  urls: WebhookUrls;
  spoken: SpokenLines;
}

/** Answers "what does this leg say at this turn": the reply, a hold-and-redirect, or the fallback line. */
class TurnResponder {
  constructor(private readonly d: TurnResponderDeps) {}

  /**
   * `waitedMs` is what earlier webhooks already spent on this turn (from the wait URL); `started` is when this
   * webhook arrived, so time spent before (e.g. publishing the utterance) counts against this webhook's hold.
   */
  async answer(callId: string, role: Role, turn: number, waitedMs: number, started: number): Promise<string> {
    const { book, config, now } = this.d;
    const ready = book.reply(callId, role, turn);
    if (ready) return this.speak(ready, waitedMs, started);
    if (book.call(callId)?.ended) return hangupTwiml();

    const plan = planWait(waitedMs, config.REPLY_HOLD_MS - (now() - started), config.REPLY_TIMEOUT_MS);
    if (!plan.exhausted) {
      const reply = await book.waitForReply(callId, role, turn, plan.holdMs);
      const held = now() - started;
      if (reply) return this.speak(reply, waitedMs, started);
      if (book.call(callId)?.ended) return hangupTwiml();
      // The last hold used up the budget: decide now rather than bounce the leg through one more redirect.
      if (waitedMs + held < config.REPLY_TIMEOUT_MS)
        return holdTwiml(this.d.urls.wait(callId, role, turn, waitedAfterRedirect(waitedMs, held)));
    }
    return this.fallback(callId, role, turn, waitedMs, started);
  }

  /**
   * Hands `reply` to the leg whose webhook arrived at `started` (after `waitedMs` on earlier webhooks of this turn),
   * recording it as spoken first — unless the leg can no longer hear it: the conference ended (a hang-up, nothing
   * recorded), or the answer would reach Twilio after it gave up on the webhook (a silent hold back to the wait route,
   * nothing recorded: the line is recorded when it is handed over).
   */
  async speak(reply: ReplyReady, waitedMs: number, started: number): Promise<string> {
    const { book, now } = this.d;
    if (book.call(reply.callId)?.hungUp) return hangupTwiml();
    const spent = now() - started;
    if (spent + SPOKEN_WAIT_MS > ANSWER_DEADLINE_MS) {
      callLogger(this.d.logger, reply.callId).warn(
        { role: reply.role, turn: reply.turn, spentMs: spent },
        'the line is ready too late for this webhook: holding the leg, the line follows on the wait route',
      );
      this.d.metrics.lateAnswer();
      return holdTwiml(
        this.d.urls.wait(reply.callId, reply.role, reply.turn, waitedAfterRedirect(waitedMs, spent)),
      );
    }
    this.d.metrics.observeReplyWait(Math.max(0, waitedMs + spent) / 1000);
    // The dataset records what the leg heard from these records alone (see SpokenLines), written before the answer.
    await this.d.spoken.record(reply, SPOKEN_WAIT_MS);
    // The other leg said, with the line before this one, that it would cut into this one.
    const cutIn = this.d.book.reply(reply.callId, speakerOf(reply.turn - 1), reply.turn - 1)?.cutInAfterSec;
    return replyTwiml(
      reply,
      this.listening(reply.callId, reply.role, heardAfterSpeaking(reply.turn)),
      Boolean(cutIn),
    );
  }

  /**
   * A leg that only listens (the customer before the greeting, or a leg whose line is still being made); `pauseSec`
   * is the other leg's silence before its line (a hold), added to the wait for speech.
   */
  listen(callId: string, role: Role, heard: number, pauseSec = 0, cutIn = true): string {
    return listenTwiml(this.listening(callId, role, heard, pauseSec, cutIn));
  }

  private listening(callId: string, role: Role, heard: number, pauseSec = 0, cutIn = true) {
    // This leg's own line before `heard` may have said it cuts into the line it now listens to.
    const maxSpeechTimeSec = cutIn ? this.d.book.reply(callId, role, heard - 1)?.cutInAfterSec : null;
    return {
      action: this.d.urls.gather(callId, role, heard, pauseSec > 0),
      language: this.d.book.listeningLanguage(callId, role),
      timeoutSec: gatherTimeoutSec(this.d.config) + pauseSec,
      ...(maxSpeechTimeSec ? { maxSpeechTimeSec } : {}),
    };
  }

  private async fallback(
    callId: string,
    role: Role,
    turn: number,
    waitedMs: number,
    started: number,
  ): Promise<string> {
    const { book, logger, now } = this.d;
    const log = callLogger(logger, callId);
    if (!book.call(callId)) {
      // Nothing ever came for this call (no plan, no reply): it is not ours, so no line is invented for it.
      log.warn({ role, turn }, 'no plan and no reply for this call: hanging up');
      return hangupTwiml(UNKNOWN_CALL_LINE);
    }
    // A run of fallbacks means the engine stopped answering: the last one says goodbye instead of apologising on.
    const closing = (book.call(callId)?.fallbackRun ?? 0) + 1 >= this.d.config.FALLBACK_RUN_LIMIT;
    const candidate = fallbackReply({
      callId,
      role,
      turn,
      voice: book.voiceOf(callId, role),
      producedAt: new Date(now()),
      closing,
    });
    // The `replies` partition decides who was first, for every replica and the engine alike: publish the fallback and
    // speak whatever comes back first for this key (an engine reply already on its way wins over our fallback).
    let winner: ReplyReady | undefined;
    try {
      // With the broker away the publish may take longer than Twilio waits: past the webhook's deadline the fallback
      // is decided here (the publish goes on) and `speak` holds the leg.
      const published = this.d.bus.publish(this.d.topics.replies, callId, candidate, {
        [ORIGIN_HEADER]: GATEWAY_ORIGIN,
      });
      if (!(await settledWithin(published, ANSWER_DEADLINE_MS - (now() - started))))
        throw new Error(
          `publishing the fallback took over ${ANSWER_DEADLINE_MS} ms since the webhook arrived`,
        );
      winner = await book.waitForReply(
        callId,
        role,
        turn,
        Math.min(this.d.config.REPLY_HOLD_MS, ECHO_WAIT_MS),
      );
    } catch (err) {
      // The leg must still hear something; the engine will not know this turn was a fallback.
      log.error({ err, role, turn }, 'could not publish the fallback reply');
    }
    // No echo in time (consumer lagging) or no bus: decide locally, first reply still wins on this replica.
    winner ??= book.offerReply(candidate, 'gateway').winner;
    if (winner.fallback) {
      this.d.metrics.fallbackTurn(role);
      log.warn(
        { role, turn, waitedMs: waitedMs + (now() - started) },
        'no reply in time: speaking the fallback line',
      );
    }
    // Our closing line won (it came back through `replies`, or was decided here): the gateway ended the call.
    if (closing && winner.fallback && winner.endCall && winner.text === candidate.text) {
      const detail = `${this.d.config.FALLBACK_RUN_LIMIT} fallback lines in a row: the conversation engine stopped answering`;
      log.error({ role, turn, endReason: candidate.endReason }, `ending the call: ${detail}`);
      // Not awaited: with the broker away it could hold the goodbye past Twilio's 15 s.
      void this.d.bus
        .publish(this.d.topics.callEvents, callId, gatewayEnd(candidate, detail))
        .catch((err: unknown) => log.error({ err }, 'could not publish the end of the call'));
    }
    return this.speak(winner, waitedMs, started);
  }
}

/**
 * Whether `work` settled (either way) within `ms`; it goes on either way, its rejection observed. A rejection within
 * `ms` is thrown.
 */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function parse<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const result = schema.safeParse({ ...body, ...(req.query as Record<string, unknown>) });
  if (!result.success) throw new BadWebhook(describeIssues(result.error));
  return result.data;
}

function callIdFromConferenceName(name: string | undefined): string | undefined {
  if (!name?.startsWith(CONFERENCE_PREFIX)) return undefined;
  // The name becomes a Kafka key: it must pass the same rule as a callId parameter.
  const parsed = callIdSchema.safeParse(name.slice(CONFERENCE_PREFIX.length));
  return parsed.success ? parsed.data : undefined;
}

function sendTwiml(res: Response, twiml: string): void {
  res.status(200).type('text/xml').send(twiml);
}

function timing(metrics: GatewayMetrics, now: () => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = now();
    const route = ROUTES[req.path] ?? 'unmatched';
    let observed = false;
    const observe = () => {
      if (observed) return;
      observed = true;
      metrics.observeWebhook(route, res.statusCode, (now() - started) / 1000);
    };
    // Observed as the answer is written (not after), so the metric never lags the response; `close` catches
    // webhooks Twilio gave up on before an answer.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      observe();
      return end(...args);
    }) as Response['end'];
    res.once('close', observe);
    next();
  };
}

function routeOf(req: Request): RouteLabel {
  return ROUTES[req.path] ?? 'unmatched';
}

/** Refuses an unsigned request before reading its body. */
function requireSignatureHeader(metrics: GatewayMetrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('x-twilio-signature')) return next();
    metrics.signatureFailure('missing');
    logger.warn({ route: routeOf(req), path: req.path }, 'webhook without X-Twilio-Signature');
    res.status(400).type('text/plain').send('missing X-Twilio-Signature');
  };
}

function verifySignature(config: GatewayConfig, metrics: GatewayMetrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const url = `${config.GATEWAY_PUBLIC_URL}${req.originalUrl}`;
    const signature = req.get('x-twilio-signature') ?? '';
    const params = (req.body ?? {}) as Record<string, unknown>;
    if (checkSignature(config.TWILIO_AUTH_TOKEN, signature, url, params) === 'valid') return next();
    metrics.signatureFailure('invalid');
    // Neither the body nor the signature: the body may hold speech and phone numbers.
    logger.warn({ route: routeOf(req), path: req.path }, 'webhook with an invalid X-Twilio-Signature');
    res.status(403).type('text/plain').send('invalid X-Twilio-Signature');
  };
}

/** Our own words for the body refusals, so the answer never carries text we did not write. */
const BODY_REFUSED: Readonly<Record<number, string>> = {
  400: 'webhook body unreadable',
  403: 'webhook body refused',
  413: 'webhook body too large',
  415: 'webhook body encoding unsupported',
};

function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const route = routeOf(req);
    if (err instanceof BadWebhook) {
      logger.warn({ route, code: err.code, reason: err.message }, 'malformed webhook');
      res.status(400).type('text/plain').send(`malformed webhook: ${err.message}`);
      return;
    }
    // body-parser's errors (http-errors: `expose` and a `type`) carry the status of the caller's own mistake (413 too
    // large, 415 charset, 400 unparsable). Any other error with a status came from upstream (a Twilio RestException
    // has one too): its status and text are Twilio's, not the caller's business, so neither reaches the answer.
    const { status, expose, type } = err as { status?: unknown; expose?: unknown; type?: unknown };
    if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      expose === true &&
      typeof type === 'string'
    ) {
      logger.warn({ route, status, type }, 'webhook body refused');
      res
        .status(status)
        .type('text/plain')
        .send(BODY_REFUSED[status] ?? 'webhook body refused');
      return;
    }
    if (typeof status === 'number') {
      logger.error(
        { route, code: 'SYNTH_UPSTREAM_FAILED', upstreamStatus: status, err },
        'an upstream request failed while answering a webhook',
      );
      if (!res.headersSent) res.status(502).type('text/plain').send('upstream request failed');
      return;
    }
    logger.error({ route, err }, 'webhook failed');
    if (!res.headersSent) res.status(500).type('text/plain').send('internal error');
  };
}
