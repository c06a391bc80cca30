import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry.js';

/**
 * How a consumed message ended: handled (`ok`), sent to dead-letters (`dead_lettered`), skipped as an already-seen
 * duplicate (`skipped`), or failed and left for redelivery (`failed`). A closed set keeps the label bounded.
 */
export type ConsumeOutcome = 'ok' | 'failed' | 'dead_lettered' | 'skipped';

/** What the event bus reports. Narrow on purpose: the bus does not see prom-client. */
export interface BusMetrics {
  consumed(topic: string, group: string, outcome: ConsumeOutcome): void;
  produced(topic: string, count?: number): void;
  observeHandler(topic: string, group: string, seconds: number): void;
  /** `code` is a typed error code such as `SYNTH_SCHEMA_MISMATCH`, never a free-text message. */
  deadLettered(topic: string, group: string, code: string): void;
  retried(topic: string, group: string): void;
  /** A subscription started: its series start at zero, so a healthy consumer reads 0 instead of no data. */
  subscribed(topic: string, group: string): void;
}

/** The dead-letter codes any subscription can produce (a PermanentError may add its own); exported at zero. */
export const GENERIC_DEAD_LETTER_CODES = ['SYNTH_DECODE_FAILED', 'SYNTH_HANDLER_FAILED'] as const;
const CONSUME_OUTCOMES: readonly ConsumeOutcome[] = ['ok', 'failed', 'dead_lettered', 'skipped'];

/** 1 ms to 10 s: a decode is sub-millisecond territory, an LLM-backed handler can take seconds. */
export const HANDLER_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

type CounterLabel = 'topic' | 'group' | 'outcome' | 'code';

// Reuse a metric already on the registry: in embedded mode several buses share one process and one registry.
function counter<L extends CounterLabel>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function histogram(registry: Registry, name: string, help: string): Histogram<'topic' | 'group'> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing as Histogram<'topic' | 'group'>;
  return new Histogram({
    name,
    help,
    labelNames: ['topic', 'group'],
    buckets: HANDLER_DURATION_BUCKETS,
    registers: [registry],
  });
}

export function createBusMetrics(registry: Registry): BusMetrics {
  const consumed = counter(
    registry,
    `${METRIC_PREFIX}messages_consumed_total`,
    'Messages taken from a topic by a consumer group, by how their handling ended.',
    ['topic', 'group', 'outcome'],
  );
  const produced = counter(
    registry,
    `${METRIC_PREFIX}messages_produced_total`,
    'Messages published to a topic.',
    ['topic'],
  );
  const handlerDuration = histogram(
    registry,
    `${METRIC_PREFIX}handler_duration_seconds`,
    'Time a consumer handler took for one message, retries included.',
  );
  const deadLetters = counter(
    registry,
    `${METRIC_PREFIX}dead_letters_total`,
    'Messages sent to the dead-letters topic, by error code.',
    ['topic', 'group', 'code'],
  );
  const retries = counter(
    registry,
    `${METRIC_PREFIX}handler_retries_total`,
    'Handler attempts after the first.',
    ['topic', 'group'],
  );

  return {
    consumed: (topic, group, outcome) => consumed.inc({ topic, group, outcome }),
    produced: (topic, count = 1) => produced.inc({ topic }, count),
    observeHandler: (topic, group, seconds) => handlerDuration.observe({ topic, group }, seconds),
    deadLettered: (topic, group, code) => deadLetters.inc({ topic, group, code }),
    retried: (topic, group) => retries.inc({ topic, group }),
    subscribed: (topic, group) => {
      for (const code of GENERIC_DEAD_LETTER_CODES) deadLetters.inc({ topic, group, code }, 0);
      for (const outcome of CONSUME_OUTCOMES) consumed.inc({ topic, group, outcome }, 0);
      retries.inc({ topic, group }, 0);
    },
  };
}

/** For tests and tools that do not export metrics. */
export const noopBusMetrics: BusMetrics = {
  consumed: () => {},
  produced: () => {},
  observeHandler: () => {},
  deadLettered: () => {},
  retried: () => {},
  subscribed: () => {},
};
