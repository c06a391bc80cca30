import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  collectDataset,
  DatasetBuilder,
  ensureWritable,
  type GroundTruth,
  outcomeOf,
  writeDataset,
} from '@synthcall/analytics-sink';
import {
  BusChangelogStateStore,
  ConversationEngine,
  createEngineMetrics,
  ScriptedLlmProvider,
  scriptedLabels,
} from '@synthcall/conversation-engine';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createBusMetrics, createMetricsRegistry } from '@synthcall/metrics';
import {
  MemoryCallBudget,
  Orchestrator,
  orchestratorMetrics,
  TwilioTelephony,
} from '@synthcall/orchestrator';
import { defaultPersonas } from '@synthcall/personas';
import {
  type ConversationState,
  type EndReason,
  type Outcome,
  type PairingStrategy,
  TOPICS,
} from '@synthcall/schemas';
import { SimHttpClient, startTwilioSim } from '@synthcall/twilio-sim';
import { createGateway, loadTwimlGatewayConfig } from '@synthcall/twiml-gateway';
import twilio from 'twilio';

export interface GenerateOptions {
  calls: number;
  seed: string;
  strategy: PairingStrategy;
  concurrency: number;
  out: string;
  maxTurns: number;
  asrWer: number;
  /** Longest the whole run may take before it stops with what it has. */
  timeoutMs: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  onProgress?: (finished: number, total: number) => void;
  version: string;
}

export interface GenerateSummary {
  out: string;
  requested: number;
  finished: number;
  turns: number;
  fallbackTurns: number;
  endReasons: Partial<Record<EndReason | 'failed', number>>;
  outcomes: Partial<Record<Outcome, number>>;
  wallSec: number;
  callsPerMin: number;
  timedOut: boolean;
}

// Credentials of the offline Twilio; it is a local process, nothing here reaches Twilio.
const SIM_ACCOUNT_SID = 'AC5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed';
const SIM_AUTH_TOKEN = 'synthcall-embedded-sim-token';
const FROM = '+15005550006';
const SIMULATED_DAY_START = Date.UTC(2026, 0, 5, 9, 0, 0);

const increment = <K extends string>(counts: Partial<Record<K, number>>, key: K) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Runs the whole call loop in one process on the offline defaults: twilio-sim for telephony, the scripted dialogue
 * provider, the in-memory bus with the same Avro codecs as Kafka, and the services' own code (orchestrator, gateway,
 * engine, dataset collector) wired exactly as over Kafka. Writes the dataset and returns a summary.
 */
export async function generate(o: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
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
  const bus = new MemoryEventBus({ metrics: createBusMetrics(registry), logger });
  const personas = defaultPersonas();
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };

  try {
    const sim = await startTwilioSim({
      accountSid: SIM_ACCOUNT_SID,
      authToken: SIM_AUTH_TOKEN,
      seed: o.seed,
      asrWer: o.asrWer,
      // The simulated day starts at a fixed instant, so call times in the dataset do not depend on when it ran.
      startTimeMs: SIMULATED_DAY_START,
      onError: (err: unknown) => logger.error({ err }, 'twilio-sim background error'),
    });
    cleanups.push(() => sim.close());

    // The gateway listens first: the URL the sim signs must carry the port the OS picked.
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const gateway = await createGateway({
      config: loadTwimlGatewayConfig({ GATEWAY_PUBLIC_URL: gatewayUrl, TWILIO_AUTH_TOKEN: SIM_AUTH_TOKEN }),
      logger,
      registry,
      bus,
      instanceId: 'embedded',
    });
    server.on('request', gateway.handler);
    cleanups.push(async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const client = twilio(SIM_ACCOUNT_SID, SIM_AUTH_TOKEN, { httpClient: new SimHttpClient(sim.baseUrl) });
    const app = await client.applications.create({
      friendlyName: 'synthcall gateway',
      voiceUrl: `${gatewayUrl}/twilio/voice`,
      voiceMethod: 'POST',
    });

    const engine = new ConversationEngine({
      bus,
      store: new BusChangelogStateStore({ bus, instanceId: 'embedded' }),
      provider: new ScriptedLlmProvider(),
      personas,
      now: Date.now,
      logger,
      metrics: createEngineMetrics(registry),
    });
    await engine.start();
    cleanups.push(() => engine.stop());

    const dataset = new DatasetBuilder(groundTruthOf);
    let finished = 0;
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const collector = await collectDataset({
      bus,
      dataset,
      group: 'dataset',
      onCallFinished: () => {
        finished += 1;
        o.onProgress?.(finished, o.calls);
        if (finished >= o.calls) allDone();
      },
    });
    cleanups.push(() => collector.close());

    const metrics = orchestratorMetrics(registry);
    const orchestrator = new Orchestrator({
      bus,
      personas,
      telephony: new TwilioTelephony({
        accountSid: SIM_ACCOUNT_SID,
        authToken: SIM_AUTH_TOKEN,
        apiBaseUrl: sim.baseUrl,
        timeoutMs: 15_000,
        metrics,
      }),
      // No daily cap offline: the cap protects Twilio spend, and there is none here.
      budget: new MemoryCallBudget(Number.MAX_SAFE_INTEGER),
      clock: { now: () => new Date() },
      sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)),
      logger,
      metrics,
      conference: {
        from: FROM,
        customerTo: `app:${app.sid}`,
        agentTo: `app:${app.sid}`,
        gatewayPublicUrl: gatewayUrl,
        timeLimitSec: 300,
      },
      callMode: 'simulated',
      twilioCps: 0,
      maxConcurrentCalls: o.concurrency,
      instanceId: 'embedded',
    });
    await orchestrator.start();
    cleanups.push(() => orchestrator.stop());

    // A request id from the seed: the same seed gives the same call ids, pairs and dialogue.
    const requestId = `gen-${o.seed}`;
    let requestFailed: string | undefined;
    await bus.subscribe({
      topic: TOPICS.deadLetters,
      group: 'generate-dead-letters',
      handler: async ({ value }) => {
        if (value.originalTopic === TOPICS.callRequests.name)
          requestFailed = `${value.errorCode}: ${value.errorMessage}`;
        logger.error({ topic: value.originalTopic, code: value.errorCode }, value.errorMessage);
        if (requestFailed) allDone();
      },
    });
    await bus.publish(TOPICS.callRequests, requestId, {
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

    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), o.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (requestFailed) throw new Error(`the call request was refused: ${requestFailed}`);
    await sim.whenIdle();
    await bus.idle();

    const summary = summarize(dataset, o, out, started, timedOut);
    await writeDataset(out, dataset, {
      runId: randomUUID(),
      seed: o.seed,
      config: {
        calls: o.calls,
        strategy: o.strategy,
        concurrency: o.concurrency,
        maxTurns: o.maxTurns,
        asrWer: o.asrWer,
        telephony: 'twilio-sim',
        provider: 'scripted',
        bus: 'memory',
      },
      versions: { synthcall: o.version, node: process.version },
      personas: { customers: personas.customers.map((c) => c.id), agents: personas.agents.map((a) => a.id) },
      counts: {
        calls: summary.finished,
        requested: summary.requested,
        turns: summary.turns,
        fallbackTurns: summary.fallbackTurns,
        endReasons: summary.endReasons as Record<string, number>,
        outcomes: summary.outcomes as Record<string, number>,
      },
      startedAt,
      finishedAt: new Date().toISOString(),
    });
    return summary;
  } finally {
    await cleanup();
    await bus.close();
  }
}

function groundTruthOf(state: ConversationState): GroundTruth | null {
  // The engine keeps the scripted planner's record inside its providerState envelope.
  let envelope: { provider?: unknown } | undefined;
  try {
    envelope = JSON.parse(state.providerState ?? 'null');
  } catch {
    return null;
  }
  const truth = scriptedLabels((envelope?.provider ?? null) as never);
  if (!truth) return null;
  return {
    intendedOutcome: outcomeOf(truth.intendedOutcome) ?? 'unresolved',
    demeanor: truth.demeanorTrajectory[0]?.demeanor ?? 'unknown',
    demeanorTrajectory: truth.demeanorTrajectory,
    spokenPii: truth.pii,
  };
}

function summarize(
  dataset: DatasetBuilder,
  o: GenerateOptions,
  out: string,
  started: number,
  timedOut: boolean,
): GenerateSummary {
  const endReasons: GenerateSummary['endReasons'] = {};
  const outcomes: GenerateSummary['outcomes'] = {};
  let turns = 0;
  let fallbackTurns = 0;
  let finished = 0;
  for (const id of dataset.callIds()) {
    const r = dataset.record(id);
    if (dataset.isFinished(id)) finished += 1;
    turns += r.turnCount;
    fallbackTurns += r.fallbackTurns;
    increment(endReasons, r.endReason ?? 'failed');
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
  };
}
