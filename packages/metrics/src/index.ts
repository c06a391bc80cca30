export type { Registry } from 'prom-client';
export {
  type BusMetrics,
  type ConsumeOutcome,
  createBusMetrics,
  HANDLER_DURATION_BUCKETS,
  noopBusMetrics,
} from './bus-metrics.js';
export { createMetricsRegistry, METRIC_PREFIX, type MetricsRegistryOptions } from './registry.js';
