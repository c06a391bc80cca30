import { randomUUID } from 'node:crypto';
import { busFromConfig, type EventBus } from '@synthcall/event-bus';
import type { Logger } from '@synthcall/logging';
import { createBusMetrics, type Registry } from '@synthcall/metrics';
import { createOpsServer, type ReadinessCheck, type ServiceApp } from '@synthcall/ops-server';
import { loadPersonas, type PersonaSet } from '@synthcall/personas';
import { BusChangelogStateStore } from './adapters/bus-changelog-state-store.js';
import { MemoryStateStore } from './adapters/memory-state-store.js';
import { OpenAiLlmProvider } from './adapters/openai-llm-provider.js';
import { ScriptedLlmProvider } from './adapters/scripted-llm-provider.js';
import type { Config } from './config.js';
import type { LlmProvider } from './domain/llm-provider.js';
import { type Random, seededRandom } from './domain/random.js';
import type { StateStore } from './domain/state-store.js';
import { ConversationEngine, type EngineTopics } from './engine.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';

// The package's face (issue 13): createApp, its config (with the line timing that bounds one line, which the
// gateway's reply wait derives from), its ports, and the state stores a composer picks (in memory for a one-process
// run, the changelog topic over Kafka). Tests' needs are in `./testing`.
export { BusChangelogStateStore } from './adapters/bus-changelog-state-store.js';
export { MemoryStateStore } from './adapters/memory-state-store.js';
export { type Config as ConversationEngineConfig, loadConversationEngineConfig } from './config.js';
export type { LlmProvider } from './domain/llm-provider.js';
export type { StateStore } from './domain/state-store.js';
export { LINE_TIMING_VARIABLES, type LineTimingConfig, worstCaseLineMs } from './timing.js';

/**
 * Everything the conversation-engine gets from outside. Each port is optional: missing ones are built from config
 * (the embedded runner and tests hand in their own bus, store, provider, personas and clock).
 */
export interface AppDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  bus?: EventBus;
  store?: StateStore;
  provider?: LlmProvider;
  personas?: PersonaSet;
  now?: () => number;
  random?: Random;
  topics?: Partial<EngineTopics>;
  /** Prefix of the engine's consumer groups (a run with its own topics gives its own groups). */
  group?: string;
}

export interface ConversationEngineApp extends ServiceApp {
  engine: ConversationEngine;
  bus: EventBus;
  /** Who words the director's moves (its name and model go into a run's manifest). */
  provider: LlmProvider;
}

/**
 * What the SDK is given when OPENAI_API_KEY is unset, which config allows only with OPENAI_BASE_URL: a keyless local
 * server ignores the Authorization header, and the SDK would otherwise read process.env itself or throw.
 */
const KEYLESS_API_KEY = 'sk-no-key-required';

function providerFromConfig(
  config: Config,
  deps: { now: () => number; random: Random; metrics: EngineMetrics },
): LlmProvider {
  if (config.LLM_PROVIDER === 'scripted') return new ScriptedLlmProvider();
  return new OpenAiLlmProvider({
    apiKey: config.OPENAI_API_KEY ?? KEYLESS_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT,
    maxRetries: config.OPENAI_MAX_RETRIES,
    breaker: { failureThreshold: config.LLM_BREAKER_FAILURES, cooldownMs: config.LLM_BREAKER_COOLDOWN },
    prices: { prompt: config.LLM_PRICE_PROMPT_PER_MTOK, completion: config.LLM_PRICE_COMPLETION_PER_MTOK },
    maxTokens: config.LLM_MAX_TOKENS,
    temperature: config.LLM_TEMPERATURE,
    maxLineChars: config.LLM_MAX_LINE_CHARS,
    responseFormat: config.LLM_RESPONSE_FORMAT,
    ...deps,
  });
}

/**
 * Builds the conversation-engine and starts its handlers (the state store is rebuilt first); does not listen on the
 * ops port (`main.ts` does that).
 */
export async function createApp(deps: AppDeps): Promise<ConversationEngineApp> {
  const { config, logger, registry } = deps;
  const now = deps.now ?? (() => Date.now());
  const metrics = createEngineMetrics(registry);
  const ownBus = deps.bus === undefined;
  const bus =
    deps.bus ??
    busFromConfig(config, { clientId: 'conversation-engine', metrics: createBusMetrics(registry), logger });
  const store =
    deps.store ??
    (config.ENGINE_STATE_STORE === 'memory'
      ? new MemoryStateStore()
      : new BusChangelogStateStore({
          bus,
          now,
          onInvalid: (callId, err) => logger.error({ callId, err }, 'unreadable conversation state skipped'),
        }));
  // Jitter only: a seed is not needed for reproducible dialogue, which depends on the call's own seed.
  const random = deps.random ?? seededRandom(randomUUID());
  const provider = deps.provider ?? providerFromConfig(config, { now, random, metrics });
  const personas =
    deps.personas ??
    (await loadPersonas({
      ...(config.PERSONAS_CUSTOMERS_FILE ? { customersFile: config.PERSONAS_CUSTOMERS_FILE } : {}),
      ...(config.PERSONAS_AGENTS_FILE ? { agentsFile: config.PERSONAS_AGENTS_FILE } : {}),
    }));
  const engine = new ConversationEngine({
    bus,
    store,
    provider,
    personas,
    now,
    logger,
    metrics,
    limits: { maxFallbackRun: config.LLM_MAX_FALLBACK_RUN },
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.group ? { group: deps.group } : {}),
  });
  await engine.start();
  logger.info(
    { provider: provider.name, calls: store.active().length },
    'conversation state rebuilt; taking traffic',
  );

  // Ready means the changelog was read and the handlers are subscribed, which `start` has just awaited.
  const checks: Record<string, ReadinessCheck> = { engine: () => true };
  const ops = createOpsServer({ registry, checks, logger });
  return {
    ops,
    engine,
    bus,
    provider,
    shutdownSteps: [
      { name: 'stop engine intake and drain', run: () => engine.stop(), timeoutMs: 10_000 },
      { name: 'close state store', run: () => store.close(), timeoutMs: 5_000 },
      ...(ownBus ? [{ name: 'close event bus', run: () => bus.close(), timeoutMs: 5_000 }] : []),
    ],
  };
}
