import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Every metric we define starts with this; prom-client's default process_/nodejs_ metrics keep their standard names. */
export const METRIC_PREFIX = 'synthcall_';

export interface MetricsRegistryOptions {
  service: string;
  version: string;
  /** Node process metrics (CPU, memory, event loop lag, GC). On by default; tests that only read their own metrics may turn it off. */
  defaultMetrics?: boolean;
}

/**
 * One registry per service process, every series labelled `service`. Default metrics keep their standard names
 * (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`…) so stock Node.js dashboards work unchanged.
 */
export function createMetricsRegistry({
  service,
  version,
  defaultMetrics = true,
}: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const buildInfo = new Gauge({
    name: `${METRIC_PREFIX}build_info`,
    help: 'Always 1; labels carry the running version.',
    labelNames: ['version'],
    registers: [registry],
  });
  buildInfo.set({ version }, 1);
  return registry;
}
