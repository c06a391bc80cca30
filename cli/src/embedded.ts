import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createApp as createSinkApp,
  type DatasetBuilder,
  loadAnalyticsSinkConfig,
  PostgresDatasetStore,
  type RunCall,
  type RunManifest,
} from '@synthcall/analytics-sink';
import { ensureWritable } from '@synthcall/analytics-sink/dataset';
import {
  BusChangelogStateStore,
  type ConversationEngineApp,
  type ConversationEngineConfig,
  createApp as createEngineApp,
  LINE_TIMING_VARIABLES,
  type LineTimingConfig,
  type LlmProvider,
  loadConversationEngineConfig,
  MemoryStateStore,
  worstCaseLineMs,
} from '@synthcall/conversation-engine';
import { busFromConfig, type EventBus, MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createBusMetrics, createMetricsRegistry, type Registry } from '@synthcall/metrics';
import {
  createApp as createOrchestratorApp,
  loadOrchestratorConfig,
  MemoryCallBudget,
  orchestratorMetrics,
  TwilioTelephony,
} from '@synthcall/orchestrator';
import { defaultPersonas } from '@synthcall/personas';
import { seededRandom } from '@synthcall/random';
import { type EndReason, type Outcome, type PairingStrategy, TOPICS } from '@synthcall/schemas';
import { provision } from '@synthcall/stack';
import { createTwilioClient } from '@synthcall/twilio-client';
import { handlerTransport, type RequestHandler, startTwilioSim } from '@synthcall/twilio-sim';
import {
  createApp as createGatewayApp,
  loadTwimlGatewayConfig,
  replyTimeoutFor,
  TwilioVoiceIntelligence,
} from '@synthcall/twiml-gateway';
import { holdClockWhileHandling } from './engine-clock.js';
import { connectSimToGateway } from './sim-gateway.js';
import { observeTurnLatency } from './turn-latency.js';

export interface GenerateOptions {
  calls: number;
  seed: string;
  strategy: PairingStrategy;
  concurrency: number;
  out: string;
  maxTurns: number;
  asrWer: number;
  /** Render real speech into the dual-channel recordings (espeak-ng) and write them to recordings/<callId>.wav. */
  audio?: boolean;
  /** Longest the whole run may take before it stops with what it has. */
  timeoutMs: number;
  /**
   * The engine settings that bound one line (`worstCaseLineMs`): the gateway's reply wait and how long the simulated
   * clock waits for the engine derive from them. Default: the scripted provider's.
   */
  lineTiming?: LineTimingConfig;
  /**
   * The conversation-engine's own config (`loadConversationEngineConfig`): which provider words the director's moves
   * (LLM_PROVIDER, OPENAI_*, LLM_*) and the line timing derived from it. Default: the scripted provider.
   */
  engine?: ConversationEngineConfig;
  /** Tests: a dialogue provider to use instead of the one the engine config names (e.g. a deliberately slow one). */
  testProvider?: LlmProvider;
  /** Tests: how long the gateway holds a webhook before a Pause + Redirect (scaled down with the provider). */
  replyHoldMs?: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  onProgress?: (finished: number, total: number) => void;
  version: string;
  /** Called after the calls finished and before anything is stopped: tests inspect the sim and the engine here. */
  beforeStop?: (ctx: InspectContext) => Promise<void>;
  /**
   * Called once the services are up and before the first call, with a bus of its own (the shared one in memory) and
   * the run's topics: `synthcall generate --console` follows the run here. Its `close` runs at shutdown.
   */
  watch?: (bus: EventBus, topics: typeof TOPICS) => Promise<{ close(): Promise<void> }>;
  /**
   * Send the Segment calls to a Segment-compatible HTTP API through analytics-node instead of writing
   * `<out>/segment.jsonl` (the offline default). Every message is marked synthetic either way.
   */
  segment?: { writeKey: string; host: string };
  /**
   * Also write the dataset to this PostgreSQL (the analytics-sink's tables, migrated here): checked before the first
   * call, written after the files, so a database that fails late leaves the files complete.
   */
  databaseUrl?: string;
  /**
   * How the services talk: `memory` (the embedded bus, default) or a real Kafka broker and registry, where every
   * service gets its own Kafka client as if it ran in its own process. `topicSuffix` gives the run its own topics and
   * consumer groups (created here), so runs and tests never share them.
   */
  transport?:
    | { kind: 'memory' }
    | { kind: 'kafka'; brokers: string[]; registryUrl: string; topicSuffix?: string };
}

export interface InspectContext {
  sim: { baseUrl: string; accountSid: string; authToken: string };
  engine: ConversationEngineApp['engine'];
  /** On the memory bus, calls already written (complete, see `generate`) are no longer held here. */
  dataset: DatasetBuilder;
  /** The analytics side's bus and the run's topics, for tests that consume them again (a forced redelivery). */
  bus: EventBus;
  topics: typeof TOPICS;
}

export interface GenerateSummary {
  out: string;
  requested: number;
  finished: number;
  turns: number;
  fallbackTurns: number;
  endReasons: Partial<Record<EndReason | 'failed' | 'unfinished', number>>;
  outcomes: Partial<Record<Outcome, number>>;
  wallSec: number;
  callsPerMin: number;
  timedOut: boolean;
  /** Requested calls without an end when the run stopped (placed and cut off, or never placed). */
  unfinished: number;
  /** Heard → reply: from the gateway publishing UtteranceHeard to the reply reaching a consumer, in ms. */
  turnLatencyMs: { p50: number; p99: number; samples: number };
  /** Calls written to PostgreSQL and how long that took, when a database URL was given. */
  database?: { calls: number; sec: number };
  /** Who worded the director's moves. */
  provider: { name: string; model: string | null };
  /** Spoken lines by who worded them: the model (checked against the plan), the director's template, a fallback. */
  realizedBy: { model: number; template: number; fallback: number };
  /** Language-model tokens of the run (0 for the scripted provider). */
  llmTokens: { prompt: number; completion: number };
  /** Why lines were spoken in the director's own words instead of a model's (`greeting`, `…:copied`, an error code). */
  templateReasons: Record<string, number>;
}

// Credentials of the offline Twilio; it is a local process, nothing here reaches Twilio.
const SIM_ACCOUNT_SID = 'AC5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed';
const SIM_AUTH_TOKEN = 'synthcall-embedded-sim-token';
const FROM = '+15005550006';
/** The gateway's URL when the sim calls its handler directly: what webhooks are signed for; no socket has it. */
const IN_PROCESS_GATEWAY_URL = 'http://twiml-gateway.in-process';
const SIMULATED_DAY_START = Date.UTC(2026, 0, 5, 9, 0, 0);
/** How long a timed-out run waits for the in-memory bus to drain at the end. */
const PARKED_DRAIN_MS = 1_000;
const SCRIPTED_TIMING: LineTimingConfig = {
  LLM_PROVIDER: 'scripted',
  OPENAI_TIMEOUT: 0,
  OPENAI_MAX_RETRIES: 0,
};

const increment = <K extends string>(counts: Partial<Record<K, number>>, key: K) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Runs the whole call loop in one process on the offline defaults: twilio-sim for telephony, the scripted dialogue
 * provider, the in-memory bus with the same Avro codecs as Kafka, and the services built by their own `createApp`s
 * (orchestrator, gateway, engine, analytics-sink), as over Kafka. Writes the dataset and returns a summary.
 */
export async function generate(o: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  // The engine's worst-case line bounds the gateway's reply wait and how long the simulated clock waits for a line.
  const lineMs = worstCaseLineMs(o.lineTiming ?? o.engine ?? SCRIPTED_TIMING);
  const replyTimeoutMs = replyTimeoutFor(lineMs);
  if (o.timeoutMs < replyTimeoutMs) {
    throw Object.assign(
      new Error(
        `--timeout must be at least ${Math.ceil(replyTimeoutMs / 1000)} s: one line may take ${Math.ceil(lineMs / 1000)} s (${LINE_TIMING_VARIABLES.join(', ')})`,
      ),
      { code: 'SYNTH_CONFIG_INVALID' },
    );
  }
  const startedAt = new Date(started).toISOString();
  const out = await ensureWritable(o.out);
  const logger = createLogger({
    service: 'synthcall',
    version: o.version,
    level: o.logLevel,
    ...(o.logLevel === 'silent' ? { destination: new Writable({ write: (_c, _e, done) => done() }) } : {}),
  });
  const registry = createMetricsRegistry({
    service: 'synthcall-embedded',
    version: o.version,
    defaultMetrics: false,
  });
  const busMetrics = createBusMetrics(registry);
  const transport = o.transport ?? { kind: 'memory' as const };
  const topics =
    transport.kind === 'kafka' && transport.topicSuffix ? suffixed(transport.topicSuffix) : TOPICS;
  const group = (name: string) =>
    transport.kind === 'kafka' && transport.topicSuffix ? `${name}-${transport.topicSuffix}` : name;
  // Every consumer group subscribes before the first call and none re-reads a topic, so a message every group has
  // handled is dropped: the run's memory does not grow with its calls (issue 13).
  const memoryBus =
    transport.kind === 'memory'
      ? new MemoryEventBus({ metrics: busMetrics, logger, dropConsumed: true })
      : undefined;
  const buses: EventBus[] = [];
  /** One bus per service: on Kafka each is its own client, as separate processes would have. */
  const busFor = (service: string): EventBus => {
    if (memoryBus) return memoryBus;
    const kafka = transport as { brokers: string[]; registryUrl: string };
    const bus = busFromConfig(
      { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers, SCHEMA_REGISTRY_URL: kafka.registryUrl },
      {
        clientId: group(`synthcall-${service}`),
        metrics: busMetrics,
        logger,
        deadLetterTopic: topics.deadLetters,
      },
    );
    buses.push(bus);
    return bus;
  };
  if (transport.kind === 'kafka' && transport.topicSuffix) {
    // The run's own topics, created (and their schemas registered) exactly as stack:up provisions the manifest's.
    await provision({
      brokers: transport.brokers.join(','),
      registryUrl: transport.registryUrl,
      topics: Object.values(topics),
    });
  }
  const personas = defaultPersonas();
  const cleanups: Array<() => Promise<void>> = [];
  // After the deadline the whole shutdown gets one line's wait (a line still being produced may need it), and no
  // step may take longer than `boundMs`: --timeout bounds the run, shutdown included.
  let shutdownBy: number | undefined;
  const stop = async (step: () => Promise<unknown>, boundMs = Number.POSITIVE_INFINITY) => {
    const stopping = step().catch(() => undefined);
    if (shutdownBy === undefined) await stopping;
    else await beforeDeadline(stopping, Math.min(shutdownBy, Date.now() + boundMs));
  };
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await stop(step);
  };

  try {
    // Before any call: a wrong or unreachable database fails the run now, not after an hour of calls.
    const database = o.databaseUrl
      ? await PostgresDatasetStore.open({
          url: o.databaseUrl,
          logger,
          source: '--database-url / DATABASE_URL',
        })
      : undefined;
    let finished = 0;
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const observerBus = busFor('analytics-sink');
    // Built before anything else can fail, so its last shutdown step closes the database; it subscribes later.
    const sinkApp = createSinkApp({
      config: loadAnalyticsSinkConfig({
        DATASET_DIR: out,
        // Every event of a call has been delivered by the time its end is: nothing to wait for.
        DATASET_SETTLE_MS: '0',
        // Offline, the Segment calls a live run would make go to <out>/segment.jsonl (ARCHITECTURE.md, dataset
        // layout); with `segment` they go to that Segment-compatible API, in small batches sent often: a run's events
        // should reach Segment while it watches the progress bar.
        ...(o.segment
          ? {
              SEGMENT_WRITE_KEY: o.segment.writeKey,
              SEGMENT_HOST: o.segment.host,
              SEGMENT_FLUSH_AT: '15',
              SEGMENT_FLUSH_INTERVAL_MS: '500',
              SEGMENT_MAX_RETRIES: '5',
            }
          : {}),
      }),
      logger,
      registry,
      bus: observerBus,
      topics,
      ...(database ? { database } : {}),
      run: {
        groups: { dataset: group('dataset'), segment: group('segment') },
        // On the memory bus a call's files are written once it is complete and the call is dropped from memory, so
        // a run does not hold its whole dataset; with --audio or a database the dataset is written at the end.
        writeEarly: memoryBus !== undefined && !o.audio && !o.databaseUrl,
        onCallFinished: (count) => {
          finished = count;
          o.onProgress?.(finished, o.calls);
          if (finished >= o.calls) allDone();
        },
        // --audio downloads each call's recording into recordings/<callId>.wav; the database points at it.
        recordingFiles: o.audio ?? false,
      },
    });
    cleanups.push(() => runSteps(sinkApp.shutdownSteps));
    const dataset = sinkApp.run.dataset;

    // How many finished calls the sim and the engine keep for late lookups and events: far more than are in flight.
    const retainFinished = Math.max(200, 8 * o.concurrency);
    // On the memory bus the sim and the services meet in this process: the sim hands its signed webhooks to the
    // gateway's handler, and the SDK clients' REST requests go to the sim's, without a socket. Over Kafka, as
    // between separate processes, they use HTTP.
    const inProcess = memoryBus !== undefined;
    let gatewayHandler: RequestHandler | undefined;
    const sim = await startTwilioSim({
      ...(inProcess
        ? { webhookTransport: handlerTransport((req, res) => (gatewayHandler as RequestHandler)(req, res)) }
        : {}),
      accountSid: SIM_ACCOUNT_SID,
      authToken: SIM_AUTH_TOKEN,
      seed: o.seed,
      asrWer: o.asrWer,
      audio: o.audio ?? false,
      // The simulated day starts at a fixed instant, so call times in the dataset do not depend on when it ran.
      startTimeMs: SIMULATED_DAY_START,
      // Simulated time moves only when every part of the run is waiting on it: the engine and the orchestrator hold
      // the clock while they work, so no real-time window decides when a call starts (same seed, same dataset).
      clockQuietMs: 0,
      // One simulated time for the run: calls start when the orchestrator's slots free up in that timeline, so the
      // same seed gives the same call times (per-call clocks would start each call at whatever instant was latest).
      clockScope: 'run',
      // Ended calls, conferences, recordings and transcripts the gateway may still look up are the last few dozen;
      // older ones are forgotten so memory does not grow with the run. --audio downloads every recording at the end.
      retainFinished: o.audio ? Number.POSITIVE_INFINITY : retainFinished,
      // Voice Intelligence on the second core: the main thread runs every call in flight.
      transcriptionThreads: 1,
      onError: (err: unknown) => logger.error({ err }, 'twilio-sim background error'),
    });
    cleanups.push(() => sim.close());

    // Over HTTP the gateway listens first: the URL the sim signs must carry the port the OS picked.
    let server: Server | undefined;
    let gatewayUrl = IN_PROCESS_GATEWAY_URL;
    if (!inProcess) {
      const listening = createServer();
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      gatewayUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    }
    const simRequest = inProcess ? sim.request : undefined;
    const wiring = await connectSimToGateway({
      simUrl: sim.baseUrl,
      accountSid: SIM_ACCOUNT_SID,
      authToken: SIM_AUTH_TOKEN,
      gatewayUrl,
      name: 'synthcall',
      inProcess: simRequest,
    });
    const gatewayApp = await createGatewayApp({
      config: loadTwimlGatewayConfig({
        GATEWAY_PUBLIC_URL: gatewayUrl,
        TWILIO_AUTH_TOKEN: SIM_AUTH_TOKEN,
        REPLY_TIMEOUT_MS: String(replyTimeoutMs),
        CALL_RETAIN_ENDED: String(retainFinished),
        ...(o.replyHoldMs !== undefined ? { REPLY_HOLD_MS: String(o.replyHoldMs) } : {}),
      }),
      logger,
      registry,
      bus: busFor('twiml-gateway'),
      instanceId: group('embedded'),
      topics: {
        calls: topics.calls,
        replies: topics.replies,
        utterances: topics.utterances,
        callEvents: topics.callEvents,
        recordings: topics.recordings,
        transcripts: topics.transcripts,
      },
      // Every recorded call is transcribed by the sim's Voice Intelligence, through the official SDK.
      intelligence: new TwilioVoiceIntelligence(
        createTwilioClient({
          accountSid: SIM_ACCOUNT_SID,
          authToken: SIM_AUTH_TOKEN,
          apiBaseUrl: sim.baseUrl,
          inProcess: simRequest,
          timeoutMs: 15_000,
        }),
        wiring.intelligenceServiceSid,
      ),
    });
    gatewayHandler = gatewayApp.gateway.handler;
    server?.on('request', gatewayApp.gateway.handler);
    cleanups.push(async () => {
      await runSteps(gatewayApp.shutdownSteps);
      if (!server) return;
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    const engineBus = holdClockWhileHandling(busFor('conversation-engine'), () =>
      sim.holdClock(replyTimeoutMs),
    );
    const engineApp = await createEngineApp({
      config: o.engine ?? loadConversationEngineConfig({}),
      logger,
      registry,
      bus: engineBus,
      // Late events of an ended call come within a few calls; the window matches the sim's. On the memory bus the
      // engine cannot outlive the process, so a changelog would only be written and read back (Avro and JSON of the
      // whole call at every turn, ~10% of a run's CPU) for no reader: the state stays in memory.
      store: memoryBus
        ? new MemoryStateStore({ retainEnded: retainFinished })
        : new BusChangelogStateStore({
            bus: engineBus,
            topic: topics.conversationState,
            instanceId: group('embedded'),
            groupPrefix: group('conversation-engine-state'),
            retainEnded: retainFinished,
          }),
      ...(o.testProvider ? { provider: o.testProvider } : {}),
      personas,
      now: Date.now,
      random: seededRandom(`${o.seed}:llm-jitter`),
      topics: {
        calls: topics.calls,
        utterances: topics.utterances,
        replies: topics.replies,
        callEvents: topics.callEvents,
        groundTruth: topics.groundTruth,
      },
      group: group('conversation-engine'),
    });
    const { engine, provider } = engineApp;
    cleanups.push(() => runSteps(engineApp.shutdownSteps));

    if (o.watch) {
      const watching = await o.watch(busFor('console'), topics);
      cleanups.push(() => watching.close());
    }
    const latency = await observeTurnLatency(observerBus, topics, group('turn-latency'));
    cleanups.push(() => latency.close());
    await sinkApp.start();

    const orchestratorBus = busFor('orchestrator');
    const orchestratorApp = createOrchestratorApp({
      config: loadOrchestratorConfig({
        TWILIO_ACCOUNT_SID: SIM_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: SIM_AUTH_TOKEN,
        TWILIO_API_BASE_URL: sim.baseUrl,
        TWILIO_FROM: FROM,
        TWILIO_CUSTOMER_TO: `app:${wiring.appSid}`,
        TWILIO_AGENT_TO: `app:${wiring.appSid}`,
        GATEWAY_PUBLIC_URL: gatewayUrl,
        MAX_CONCURRENT_CALLS: String(o.concurrency),
      }),
      logger,
      registry,
      bus: orchestratorBus,
      personas,
      telephony: new TwilioTelephony({
        accountSid: SIM_ACCOUNT_SID,
        authToken: SIM_AUTH_TOKEN,
        apiBaseUrl: sim.baseUrl,
        inProcess: simRequest,
        timeoutMs: 15_000,
        metrics: orchestratorMetrics(registry),
      }),
      // No daily cap offline: the cap protects Twilio spend, and there is none here.
      budget: new MemoryCallBudget(Number.MAX_SAFE_INTEGER),
      instanceId: group('embedded'),
      group: group('orchestrator'),
      // A timed-out run stops with requests waiting for a call slot; they are not waited for.
      stopGraceMs: 1_000,
      // Every call of a run ends (the sim's time limit at worst): no slot lease, so no timer outlives a run.
      slotLeaseMs: 0,
      // Bounded by two REST timeouts: a hung Twilio request cannot freeze the sim.
      holdClock: () => sim.holdClock(30_000),
      topics: { requests: topics.callRequests, calls: topics.calls, callEvents: topics.callEvents },
    });
    await orchestratorApp.orchestrator.start();
    cleanups.push(() => runSteps(orchestratorApp.shutdownSteps));

    // A request id from the seed: the same seed gives the same call ids, pairs and dialogue.
    const requestId = `gen-${o.seed}`;
    let requestFailed: string | undefined;
    await observerBus.subscribe({
      topic: topics.deadLetters,
      group: group('generate-dead-letters'),
      handler: async ({ value }) => {
        if (value.originalTopic === topics.callRequests.name)
          requestFailed = `${value.errorCode}: ${value.errorMessage}`;
        logger.error({ topic: value.originalTopic, code: value.errorCode }, value.errorMessage);
        if (requestFailed) allDone();
      },
    });
    await orchestratorBus.publish(topics.callRequests, requestId, {
      requestId,
      requestedAt: new Date(),
      count: o.calls,
      strategy: o.strategy,
      customerFilter: null,
      agentFilter: null,
      seed: o.seed,
      mode: 'simulated',
      maxTurns: o.maxTurns,
      requestedBy: 'synthcall generate',
    });

    // Every wait from here on stops at the deadline: what finished by then is written, the rest is reported.
    let timedOut = !(await beforeDeadline(done, deadline));
    if (requestFailed) throw new Error(`the call request was refused: ${requestFailed}`);
    const settle = async () => {
      await sim.whenIdle();
      await memoryBus?.idle();
    };
    if (!timedOut) timedOut = !(await beforeDeadline(settle(), deadline));
    // Voice Intelligence results come after the call (the recording is transcribed once it is complete).
    const intelligenceDeadline = Math.min(Date.now() + 60_000, deadline);
    while (!timedOut && sinkApp.run.awaitingIntelligence() > 0 && Date.now() < intelligenceDeadline) {
      await new Promise((r) => setTimeout(r, 100));
      timedOut = !(await beforeDeadline(settle(), deadline));
    }
    // The engine publishes a call's ground truth when it ends; over Kafka it may still be on its way (labels from the
    // plan otherwise). On the memory bus it has been delivered by now if it was published.
    const groundTruthDeadline = Math.min(Date.now() + (memoryBus ? 0 : 10_000), deadline);
    while (sinkApp.run.awaitingGroundTruth() > 0 && Date.now() < groundTruthDeadline)
      await new Promise((r) => setTimeout(r, 100));
    if (timedOut) shutdownBy = Date.now() + replyTimeoutMs;

    await o.beforeStop?.({
      sim: { baseUrl: sim.baseUrl, accountSid: SIM_ACCOUNT_SID, authToken: SIM_AUTH_TOKEN },
      engine,
      dataset,
      bus: observerBus,
      topics,
    });
    if (o.audio) await downloadRecordings(out, dataset, sim.baseUrl);
    await sinkApp.drain();
    const summary = {
      ...summarize(sinkApp.run.calls(), o, out, started, timedOut),
      turnLatencyMs: latency.percentiles(),
      provider: { name: provider.name, model: provider.model },
      llmTokens: await tokensUsed(registry),
      templateReasons: await templateReasons(registry),
    };
    const manifest: RunManifest = {
      runId: randomUUID(),
      seed: o.seed,
      config: {
        calls: o.calls,
        strategy: o.strategy,
        concurrency: o.concurrency,
        maxTurns: o.maxTurns,
        asrWer: o.asrWer,
        audio: o.audio ?? false,
        telephony: 'twilio-sim',
        provider: provider.name,
        model: provider.model,
        bus: transport.kind,
      },
      versions: { synthcall: o.version, node: process.version },
      personas: { customers: personas.customers.map((c) => c.id), agents: personas.agents.map((a) => a.id) },
      counts: {
        calls: summary.finished,
        requested: summary.requested,
        turns: summary.turns,
        fallbackTurns: summary.fallbackTurns,
        unfinished: summary.unfinished,
        endReasons: summary.endReasons as Record<string, number>,
        outcomes: summary.outcomes as Record<string, number>,
      },
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    return { ...summary, ...(await sinkApp.run.write(manifest)) };
  } finally {
    await cleanup();
    // A request still waiting for a call slot is parked for good by the orchestrator's stop (it would be redelivered
    // after a restart), so after a timeout the in-memory bus never drains: the data is written, stop waiting soon.
    if (memoryBus) await stop(() => memoryBus.close(), PARKED_DRAIN_MS);
    await Promise.all(buses.map((b) => stop(() => b.close())));
  }
}

type Topics = typeof TOPICS;

/** A service's own ordered shutdown steps (its `createApp`'s), one after the other. */
async function runSteps(steps: readonly { run: () => Promise<void> | void }[]): Promise<void> {
  for (const step of steps) await step.run();
}

/** Waits for `work` until `deadline` (epoch ms): true when it finished in time. */
async function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches each call's dual-channel WAV from twilio-sim (Basic auth, as from Twilio) into recordings/<callId>.wav.
 * RequestedChannels=2: a conference recording downloads as a mono mix otherwise.
 */
async function downloadRecordings(out: string, dataset: DatasetBuilder, simBaseUrl: string): Promise<void> {
  await mkdir(join(out, 'recordings'), { recursive: true });
  const auth = `Basic ${Buffer.from(`${SIM_ACCOUNT_SID}:${SIM_AUTH_TOKEN}`).toString('base64')}`;
  for (const callId of dataset.callIds()) {
    const recording = dataset.recordingOf(callId);
    if (!recording) continue;
    const res = await fetch(
      `${simBaseUrl}/2010-04-01/Accounts/${SIM_ACCOUNT_SID}/Recordings/${recording.recordingSid}.wav?RequestedChannels=2`,
      { headers: { authorization: auth } },
    );
    if (!res.ok) throw new Error(`recording ${recording.recordingSid} of ${callId}: HTTP ${res.status}`);
    await writeFile(join(out, 'recordings', `${callId}.wav`), Buffer.from(await res.arrayBuffer()));
  }
}

function suffixed(suffix: string): Topics {
  return Object.fromEntries(
    Object.entries(TOPICS).map(([key, spec]) => [key, { ...spec, name: `${spec.name}-${suffix}` }]),
  ) as unknown as Topics;
}

/** The run's summary from its calls (written during the run or held): counts, end reasons, outcomes, wall time. */
function summarize(
  calls: readonly RunCall[],
  o: GenerateOptions,
  out: string,
  started: number,
  timedOut: boolean,
): Omit<GenerateSummary, 'turnLatencyMs' | 'provider' | 'llmTokens' | 'templateReasons'> {
  const endReasons: GenerateSummary['endReasons'] = {};
  const outcomes: GenerateSummary['outcomes'] = {};
  let turns = 0;
  let fallbackTurns = 0;
  let finished = 0;
  const realizedBy = { model: 0, template: 0, fallback: 0 };
  for (const { record: r, realizedBy: counts, ended } of calls) {
    for (const key of ['model', 'template', 'fallback'] as const) realizedBy[key] += counts[key];
    if (ended) finished += 1;
    turns += r.turnCount;
    fallbackTurns += r.fallbackTurns;
    increment(endReasons, r.endReason ?? (ended ? 'failed' : 'unfinished'));
    if (r.outcome) increment(outcomes, r.outcome);
  }
  const wallSec = (Date.now() - started) / 1000;
  return {
    out,
    requested: o.calls,
    finished,
    turns,
    fallbackTurns,
    endReasons,
    outcomes,
    wallSec,
    callsPerMin: wallSec > 0 ? (finished / wallSec) * 60 : 0,
    timedOut,
    unfinished: o.calls - finished,
    realizedBy,
  };
}

/**
 * One of the engine's counters (what its metrics export), summed by the value of one label over the series `keep`
 * accepts; series at 0 are left out.
 */
async function counterSums(
  registry: Registry,
  name: string,
  label: string,
  keep: (labels: Record<string, string | number | undefined>) => boolean = () => true,
): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const v of (await registry.getSingleMetric(name)?.get())?.values ?? []) {
    const key = v.labels[label];
    if (typeof key === 'string' && v.value > 0 && keep(v.labels)) sums[key] = (sums[key] ?? 0) + v.value;
  }
  return sums;
}

/** Template lines by why the model's wording was not used. */
async function templateReasons(registry: Registry): Promise<Record<string, number>> {
  return counterSums(
    registry,
    'synthcall_lines_realized_total',
    'reason',
    (l) => l.realized_by === 'template' && l.reason !== 'none',
  );
}

/** The run's language-model tokens. */
async function tokensUsed(registry: Registry): Promise<{ prompt: number; completion: number }> {
  const tokens = await counterSums(registry, 'synthcall_llm_tokens_total', 'kind');
  return { prompt: tokens.prompt ?? 0, completion: tokens.completion ?? 0 };
}
