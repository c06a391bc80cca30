import type { AddressInfo } from 'node:net';
import { audioRecognizer, audioRecordingRenderer, audioSpeechTiming } from './adapters/audio-module.js';
import { moduleTranscriptAnalyzer } from './adapters/intelligence-module.js';
import { workerTranscriber } from './adapters/transcription-workers.js';
import { seededRandom } from './domain/random.js';
import { isSid } from './domain/sid.js';
import { type Clock, RealtimeClock, VirtualClock } from './engine/clock.js';
import type {
  RecordingRenderer,
  SpeechRecognizer,
  SpeechTiming,
  TranscriptAnalyzer,
} from './engine/ports.js';
import { Telephony } from './engine/telephony.js';
import { inThreadTranscriber } from './engine/transcription.js';
import { VoiceIntelligence } from './engine/voice-intelligence.js';
import { fetchTransport, type WebhookTransport } from './engine/webhooks.js';
import { SimError } from './errors.js';
import { intelligenceRoutes } from './http/intelligence-routes.js';
import { Router } from './http/router.js';
import {
  createSimServer,
  encodeResponse,
  type SimHttpRequest,
  type SimHttpResponse,
  type SimServerOptions,
  serveRequest,
} from './http/server.js';
import { simRoutes } from './http/sim-routes.js';
import { v2010Routes } from './http/v2010-routes.js';

export interface TwilioSimOptions {
  accountSid: string;
  authToken: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on: 127.0.0.1 by default; a container sets 0.0.0.0 so other pods reach it. */
  host?: string;
  /** The URL others reach the sim at (RecordingUrl, media links); defaults to http://127.0.0.1:<port>. */
  publicUrl?: string;
  /** `fast` (default): a virtual clock that jumps to the next event as soon as no webhook is in flight. */
  clock?: 'realtime' | 'fast' | Clock;
  /**
   * Fast clock only. `call` (default): every call (a call pair, a conference) has its own simulated time, so one
   * call's webhook in flight holds only that call. `run`: one simulated time for all calls, so calls placed by a
   * client that holds the clock while it works (`holdClock`) start at the same instants on every run of a seed.
   */
  clockScope?: 'call' | 'run';
  seed?: string | number;
  /** Word error rate of the simulated speech recogniser, 0–1 (default 0.05). */
  asrWer?: number;
  /** Render real speech with espeak-ng into recordings (default: silent WAVs of the right length). */
  audio?: boolean;
  /**
   * How webhooks reach the application: HTTP (default). A runner with the application in the same process passes
   * its handler here, so the same signed requests arrive without a socket.
   */
  webhookTransport?: WebhookTransport;
  /** Twilio's webhook limit is 15 s; tests shorten it. */
  webhookTimeoutMs?: number;
  /** Clock time from dialling to the far end's first webhook (default 1000 ms). */
  ringMs?: number;
  /** Fast clock only: real ms a conference waits for its next participant before its lone leg's time runs on. */
  conferenceHoldMs?: number;
  /** TwiML run by the far end of a call to a number the sim does not own (default: silence for an hour). */
  defaultAnswerTwiml?: string;
  /**
   * Applications that exist from the start, with the SIDs given (AP + 32 hex) and a POSTed voice URL: a deployment
   * names them in its own config (`app:AP…` dial targets) instead of creating them over REST after the sim starts.
   */
  applications?: readonly { sid: string; voiceUrl: string }[];
  /**
   * Fast clock only: real ms the clock stays still after serving a REST request, so a client's next request lands
   * at the same simulated instant (default 20). A guess about how fast the client is: a client in the same process
   * sets 0 and holds the clock itself (`holdClock`) while it works, so no real time decides when simulated time moves.
   */
  clockQuietMs?: number;
  /**
   * How many finished things of each kind stay answerable over REST: ended calls, completed conferences, recordings
   * and transcripts, notifications (default 1,000 each). Older ones are forgotten, newest kept; see README, "Retention".
   */
  retainFinished?: number;
  /** Start of the virtual clock (epoch ms); defaults to the wall clock at start. */
  startTimeMs?: number;
  timing?: SpeechTiming;
  recognizer?: SpeechRecognizer;
  renderer?: RecordingRenderer;
  analyzer?: TranscriptAnalyzer;
  /**
   * Voice Intelligence (recognition, sentences, operator results) on this many worker threads instead of the main
   * thread, with the default recogniser and analysis (not with a custom `recognizer` or `analyzer`). Same results;
   * default 0 (the main thread).
   */
  transcriptionThreads?: number;
  onError?: (error: unknown) => void;
}

export interface TwilioSim {
  /** `http://127.0.0.1:<port>`: the origin that replaces api.twilio.com and intelligence.twilio.com. */
  readonly baseUrl: string;
  readonly port: number;
  readonly telephony: Telephony;
  /**
   * Serves a REST request without a socket, for a client in the same process: the same authentication, routes,
   * Twilio error bodies and clock tracking as over HTTP.
   */
  request(request: SimHttpRequest): Promise<SimHttpResponse>;
  /** Resolves when no call is live and every callback has been delivered. */
  whenIdle(): Promise<void>;
  /**
   * Keeps the fast clock still (at most `maxRealMs` of real time) while a client does several things between two
   * events, e.g. a test that inspects or updates a live call. Returns the release function. No-op on `realtime`.
   */
  holdClock(maxRealMs?: number): () => void;
  close(): Promise<void>;
}

/** Finished calls, conferences, recordings, transcripts and notifications kept by default, each. */
export const DEFAULT_RETAIN_FINISHED = 1_000;

export function validateOptions(options: TwilioSimOptions): void {
  if (!isSid(options.accountSid, 'AC') && !/^AC[0-9a-fA-F]{32}$/.test(options.accountSid)) {
    throw new SimError('SYNTH_SIM_CONFIG_INVALID', 'accountSid must be AC followed by 32 hex digits', {
      twilioCode: 0,
      status: 0,
    });
  }
  if (!options.authToken) {
    throw new SimError('SYNTH_SIM_CONFIG_INVALID', 'authToken must not be empty', {
      twilioCode: 0,
      status: 0,
    });
  }
  const keep = options.retainFinished ?? DEFAULT_RETAIN_FINISHED;
  if (!(keep === Number.POSITIVE_INFINITY || (Number.isInteger(keep) && keep >= 1))) {
    throw new SimError('SYNTH_SIM_CONFIG_INVALID', 'retainFinished must be a positive integer or Infinity', {
      twilioCode: 0,
      status: 0,
    });
  }
  const threads = options.transcriptionThreads ?? 0;
  if (!(Number.isInteger(threads) && threads >= 0)) {
    throw new SimError('SYNTH_SIM_CONFIG_INVALID', 'transcriptionThreads must be a whole number ≥ 0', {
      twilioCode: 0,
      status: 0,
    });
  }
  if (threads > 0 && (options.recognizer || options.analyzer)) {
    throw new SimError(
      'SYNTH_SIM_CONFIG_INVALID',
      'transcriptionThreads runs the default recogniser and analysis; drop it to use a custom recognizer or analyzer',
      { twilioCode: 0, status: 0 },
    );
  }
  const wer = options.asrWer ?? 0.05;
  if (!(wer >= 0 && wer <= 1)) {
    throw new SimError('SYNTH_SIM_CONFIG_INVALID', 'asrWer must be between 0 and 1', {
      twilioCode: 0,
      status: 0,
    });
  }
}

/** Starts an offline Twilio on 127.0.0.1: REST (v2010 + Intelligence v2), webhooks, TwiML, conferences. */
export async function startTwilioSim(options: TwilioSimOptions): Promise<TwilioSim> {
  validateOptions(options);
  const seed = String(options.seed ?? 'twilio-sim');
  const clock: Clock =
    typeof options.clock === 'object'
      ? options.clock
      : options.clock === 'realtime'
        ? new RealtimeClock()
        : new VirtualClock({
            startMs: options.startTimeMs ?? Date.now(),
            scope: options.clockScope ?? 'call',
            ...(options.clockQuietMs !== undefined ? { quietMs: options.clockQuietMs } : {}),
          });
  let baseUrl = '';
  const telephony = new Telephony({
    accountSid: options.accountSid,
    authToken: options.authToken,
    clock,
    random: seededRandom(seed),
    seed,
    asrWer: options.asrWer ?? 0.05,
    timing: options.timing ?? audioSpeechTiming,
    recognizer: options.recognizer ?? audioRecognizer,
    renderer: options.renderer ?? audioRecordingRenderer(options.audio ?? false),
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    webhookTransport: options.webhookTransport ?? fetchTransport,
    ringMs: options.ringMs ?? 1000,
    conferenceHoldMs: options.conferenceHoldMs ?? 2000,
    defaultAnswerTwiml: options.defaultAnswerTwiml ?? '<Response><Pause length="3600"/></Response>',
    baseUrl: () => baseUrl,
    onError: options.onError,
    retainFinished: options.retainFinished ?? DEFAULT_RETAIN_FINISHED,
  });
  for (const app of options.applications ?? []) {
    if (!/^AP[0-9a-fA-F]{32}$/.test(app.sid))
      throw new Error(`application SID ${app.sid}: expected AP + 32 hex digits`);
    const now = clock.now();
    telephony.applications.set(app.sid, {
      sid: app.sid,
      friendlyName: app.sid,
      voiceUrl: new URL(app.voiceUrl).href,
      voiceMethod: 'POST',
      voiceFallbackUrl: null,
      voiceFallbackMethod: 'POST',
      statusCallback: null,
      statusCallbackMethod: 'POST',
      dateCreated: now,
      dateUpdated: now,
    });
  }
  const analyzer = options.analyzer ?? moduleTranscriptAnalyzer;
  const transcriber = options.transcriptionThreads
    ? workerTranscriber(options.transcriptionThreads)
    : inThreadTranscriber({ recognizer: telephony.options.recognizer, analyzer });
  const intelligence = new VoiceIntelligence(telephony, analyzer, () => baseUrl, transcriber);
  const router = new Router([
    ...v2010Routes(telephony),
    ...intelligenceRoutes(intelligence),
    ...simRoutes(telephony),
  ]);
  const serverOptions: SimServerOptions = {
    accountSid: options.accountSid,
    authToken: options.authToken,
    clock,
    router,
    isPublic: (path) => path.startsWith('/_sim/'),
    onError: options.onError,
  };
  const server = createSimServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = options.publicUrl?.replace(/\/+$/, '') ?? `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    telephony,
    request: async (request) => encodeResponse(await serveRequest(serverOptions, request)),
    whenIdle: () => telephony.whenIdle(),
    holdClock: (maxRealMs = 5_000) => clock.hold(maxRealMs),
    async close() {
      for (const leg of telephony.calls.values()) telephony.endLeg(leg, 'conference_ended_via_api');
      clock.close();
      await transcriber.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
