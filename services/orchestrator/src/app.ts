import type { EventBus } from '@synthcall/event-bus';
import { createOpsServer, type ServiceApp, type ServiceContext } from '@synthcall/ops-server';
import type { PersonaSet } from '@synthcall/personas';
import { type Config, effectiveCps } from './config.js';
import type { CallBudget, Clock, Telephony } from './domain/ports.js';
import type { Random } from './domain/random.js';
import type { Sleep } from './limits.js';
import { orchestratorMetrics } from './metrics.js';
import { Orchestrator, type OrchestratorTopics } from './orchestrator.js';

// The package's face (issue 13): createApp, its config, its ports, and the adapters a composer picks for them
// (cli/src/embedded.ts: the SDK telephony pointed at the sim, a budget without a cap). The rest is the service's own.
export { MemoryCallBudget } from './adapters/memory-call-budget.js';
export { TwilioTelephony, type TwilioTelephonyOptions } from './adapters/twilio-telephony.js';
export { type Config, loadOrchestratorConfig } from './config.js';
export type {
  BudgetDecision,
  CallBudget,
  Clock,
  ConferenceCreated,
  ConferenceRequest,
  ParticipantRequest,
  Telephony,
} from './domain/ports.js';
/** The metrics `TwilioTelephony` counts its requests in (on the composer's registry). */
export { orchestratorMetrics } from './metrics.js';

/** Everything the orchestrator gets from outside; `main.ts` picks the adapters, tests pass fakes. */
export interface AppDeps extends ServiceContext<Config> {
  bus: EventBus;
  personas: PersonaSet;
  telephony: Telephony;
  budget: CallBudget;
  instanceId: string;
  clock?: Clock;
  sleep?: Sleep;
  randomFor?: (seed: string) => Random;
  topics?: Partial<OrchestratorTopics>;
  /** Closed on shutdown after intake stops when true (main.ts owns the bus it built; an embedded run shares one). */
  ownsBus?: boolean;
  /** The call-events consumer group (a run with its own topics gives its own group). */
  group?: string;
  /** Longest `stop` waits for requests still waiting for a call slot. */
  stopGraceMs?: number;
  /** A slot whose call sent no end event is taken back after this; default: the time limit + 60 s. 0 = never. */
  slotLeaseMs?: number;
  /** A simulated run's clock hold (twilio-sim's `holdClock`), taken while a request is worked on. */
  holdClock?: () => () => void;
}

export interface OrchestratorApp extends ServiceApp {
  orchestrator: Orchestrator;
}

const systemClock: Clock = { now: () => new Date() };
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the orchestrator; neither listens nor subscribes (`main.ts` calls `orchestrator.start()`). */
export function createApp(deps: AppDeps): OrchestratorApp {
  const { config } = deps;
  const orchestrator = new Orchestrator({
    bus: deps.bus,
    personas: deps.personas,
    telephony: deps.telephony,
    budget: deps.budget,
    clock: deps.clock ?? systemClock,
    sleep: deps.sleep ?? realSleep,
    logger: deps.logger,
    metrics: orchestratorMetrics(deps.registry),
    conference: {
      from: config.TWILIO_FROM,
      customerTo: config.TWILIO_CUSTOMER_TO,
      agentTo: config.TWILIO_AGENT_TO,
      gatewayPublicUrl: config.GATEWAY_PUBLIC_URL,
      timeLimitSec: config.CONFERENCE_TIME_LIMIT_SEC,
    },
    callMode: config.TWILIO_API_BASE_URL ? 'simulated' : 'live',
    twilioCps: effectiveCps(config),
    maxConcurrentCalls: config.MAX_CONCURRENT_CALLS,
    // Twilio's time limit ends every leg by then; a slot still held after it lost its end event.
    slotLeaseMs: deps.slotLeaseMs ?? (config.CONFERENCE_TIME_LIMIT_SEC + 60) * 1000,
    instanceId: deps.instanceId,
    ...(deps.randomFor ? { randomFor: deps.randomFor } : {}),
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.group ? { group: deps.group } : {}),
    ...(deps.stopGraceMs !== undefined ? { stopGraceMs: deps.stopGraceMs } : {}),
    ...(deps.holdClock ? { holdClock: deps.holdClock } : {}),
  });
  const ops = createOpsServer({ registry: deps.registry, checks: {}, logger: deps.logger });
  return {
    ops,
    orchestrator,
    // Stop intake first (a request waiting for a slot stays uncommitted and is redelivered), then flush and close.
    shutdownSteps: [
      { name: 'stop call intake', run: () => orchestrator.stop(), timeoutMs: 10_000 },
      { name: 'close call budget', run: () => deps.budget.close(), timeoutMs: 5_000 },
      ...(deps.ownsBus ? [{ name: 'close event bus', run: () => deps.bus.close(), timeoutMs: 10_000 }] : []),
    ],
  };
}
