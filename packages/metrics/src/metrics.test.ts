import { describe, expect, it } from 'vitest';
import { createBusMetrics, HANDLER_DURATION_BUCKETS, noopBusMetrics } from './bus-metrics.js';
import { createMetricsRegistry } from './registry.js';

async function sampleOf(
  registry: ReturnType<typeof createMetricsRegistry>,
  name: string,
  labels: Record<string, string | number>,
) {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find(
    (v) =>
      (v as { metricName?: string }).metricName === undefined &&
      Object.entries(labels).every(([k, want]) => v.labels[k] === want),
  );
  return found?.value;
}

describe('createMetricsRegistry', () => {
  it('labels every series with the service and publishes the version as build info', async () => {
    const registry = createMetricsRegistry({ service: 'orchestrator', version: '1.2.3' });
    const text = await registry.metrics();
    expect(text).toContain('synthcall_build_info{version="1.2.3",service="orchestrator"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="orchestrator"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="orchestrator"\} /m);
  });

  it('leaves out process metrics when asked', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    expect(registry.getMetricsAsArray().map((m) => m.name)).toEqual(['synthcall_build_info']);
  });

  it('gives each call its own registry so services in one test do not collide', async () => {
    const a = createMetricsRegistry({ service: 'a', version: 'v', defaultMetrics: false });
    const b = createMetricsRegistry({ service: 'b', version: 'v', defaultMetrics: false });
    createBusMetrics(a).produced('calls');
    expect(await sampleOf(a, 'synthcall_messages_produced_total', { topic: 'calls' })).toBe(1);
    expect(b.getSingleMetric('synthcall_messages_produced_total')).toBeUndefined();
  });
});

describe('createBusMetrics', () => {
  it('counts consumed messages by topic, group and outcome', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const bus = createBusMetrics(registry);
    bus.consumed('calls', 'engine', 'ok');
    bus.consumed('calls', 'engine', 'ok');
    bus.consumed('calls', 'engine', 'dead_lettered');
    const name = 'synthcall_messages_consumed_total';
    expect(await sampleOf(registry, name, { topic: 'calls', group: 'engine', outcome: 'ok' })).toBe(2);
    expect(
      await sampleOf(registry, name, { topic: 'calls', group: 'engine', outcome: 'dead_lettered' }),
    ).toBe(1);
  });

  it('adds a batch size to the produced counter', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const bus = createBusMetrics(registry);
    bus.produced('replies', 3);
    bus.produced('replies');
    expect(await sampleOf(registry, 'synthcall_messages_produced_total', { topic: 'replies' })).toBe(4);
  });

  it('records handler durations in a histogram from 1 ms to 10 s', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    createBusMetrics(registry).observeHandler('utterances', 'engine', 0.02);
    const text = await registry.metrics();
    expect(HANDLER_DURATION_BUCKETS[0]).toBe(0.001);
    expect(HANDLER_DURATION_BUCKETS.at(-1)).toBe(10);
    const series = 'service="s",topic="utterances",group="engine"';
    expect(text).toContain(`synthcall_handler_duration_seconds_bucket{le="0.01",${series}} 0\n`);
    expect(text).toContain(`synthcall_handler_duration_seconds_bucket{le="0.025",${series}} 1\n`);
    expect(text).toContain(`synthcall_handler_duration_seconds_count{${series}} 1\n`);
  });

  it('counts dead letters by code and retries by topic and group', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const bus = createBusMetrics(registry);
    bus.deadLettered('calls', 'sink', 'SYNTH_SCHEMA_MISMATCH');
    bus.retried('calls', 'sink');
    bus.retried('calls', 'sink');
    expect(
      await sampleOf(registry, 'synthcall_dead_letters_total', {
        topic: 'calls',
        group: 'sink',
        code: 'SYNTH_SCHEMA_MISMATCH',
      }),
    ).toBe(1);
    expect(
      await sampleOf(registry, 'synthcall_handler_retries_total', { topic: 'calls', group: 'sink' }),
    ).toBe(2);
  });

  it('exports a started subscription at zero: generic dead-letter codes, every consume outcome, retries', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    createBusMetrics(registry).subscribed('calls', 'sink');
    const text = await registry.metrics();
    for (const code of ['SYNTH_DECODE_FAILED', 'SYNTH_HANDLER_FAILED']) {
      expect(text).toContain(
        `synthcall_dead_letters_total{topic="calls",group="sink",code="${code}",service="s"} 0\n`,
      );
    }
    for (const outcome of ['ok', 'failed', 'dead_lettered', 'skipped']) {
      expect(text).toContain(
        `synthcall_messages_consumed_total{topic="calls",group="sink",outcome="${outcome}",service="s"} 0\n`,
      );
    }
    expect(text).toContain('synthcall_handler_retries_total{topic="calls",group="sink",service="s"} 0\n');
  });

  it('shares the metrics when two buses in one process use the same registry', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    createBusMetrics(registry).produced('calls');
    createBusMetrics(registry).produced('calls');
    expect(await sampleOf(registry, 'synthcall_messages_produced_total', { topic: 'calls' })).toBe(2);
  });

  it('offers a no-op implementation with the same shape', () => {
    expect(Object.keys(noopBusMetrics).sort()).toEqual(
      Object.keys(
        createBusMetrics(createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false })),
      ).sort(),
    );
    expect(() => noopBusMetrics.consumed('calls', 'g', 'ok')).not.toThrow();
  });
});
