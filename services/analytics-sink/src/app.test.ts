import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import { TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnalyticsSinkApp, type AppDeps, createApp } from './app.js';
import { loadAnalyticsSinkConfig } from './config.js';

const apps: AnalyticsSinkApp[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.ops.close();
    for (const step of app.shutdownSteps) await step.run();
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function startApp({
  subscribe = true,
  database,
  bus = new MemoryEventBus(),
}: {
  subscribe?: boolean;
  database?: AppDeps['database'];
  bus?: MemoryEventBus;
} = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'sink-app-'));
  dirs.push(dir);
  const logger = createLogger({
    service: 'analytics-sink',
    version: 'test',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  const registry = createMetricsRegistry({ service: 'analytics-sink', version: 'test' });
  const app = createApp({
    config: loadAnalyticsSinkConfig({ DATASET_DIR: dir }),
    logger,
    registry,
    bus,
    ownsBus: true,
    ...(database ? { database, runId: 'run-app' } : {}),
  });
  apps.push(app);
  expect(app.ops.server.listening).toBe(false);
  if (subscribe) await app.start();
  const { port } = await app.ops.listen(0);
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('analytics-sink createApp', () => {
  it('is not ready until it has subscribed to the call-loop topics', async () => {
    const get = await startApp({ subscribe: false });
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failing: ['subscribed'] });
  });

  it('answers /healthz and /readyz with 200 once subscribed', async () => {
    const get = await startApp();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves metrics labelled with the service, our own families prefixed synthcall_', async () => {
    const get = await startApp();
    const text = await (await get('/metrics')).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
    expect(families).toContain('synthcall_build_info');
    // Node's default process_/nodejs_ metrics keep their standard names; everything else is ours.
    expect(
      families
        .filter((name) => !/^(process|nodejs)_/.test(name))
        .every((name) => name.startsWith('synthcall_')),
    ).toBe(true);
    expect(text).toContain('synthcall_build_info{version="test",service="analytics-sink"} 1');
  });

  it('exports the PostgreSQL retry metrics at zero when a database is configured', async () => {
    const database = {
      writeRun: async () => undefined,
      writeCall: async () => undefined,
      writeIntelligence: async () => undefined,
      close: async () => undefined,
    };
    const get = await startApp({ database });
    const text = await (await get('/metrics')).text();
    expect(text).toContain('synthcall_database_writes_pending{service="analytics-sink"} 0\n');
    for (const outcome of ['ok', 'failed']) {
      expect(text).toContain(
        `synthcall_database_write_retries_total{outcome="${outcome}",service="analytics-sink"} 0\n`,
      );
    }
    for (const reason of ['queue_full', 'rejected']) {
      expect(text).toContain(
        `synthcall_database_writes_dropped_total{reason="${reason}",service="analytics-sink"} 0\n`,
      );
    }
  });

  it('takes labels from the ground-truth topic and no longer reads the engine’s conversation state', async () => {
    const bus = new MemoryEventBus();
    const topics: string[] = [];
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (options) => {
      topics.push(options.topic.name);
      return subscribe(options);
    };
    const get = await startApp({ bus });
    expect(topics).toContain(TOPICS.groundTruth.name);
    expect(topics).not.toContain(TOPICS.conversationState.name);
    const text = await (await get('/metrics')).text();
    for (const reason of ['ground_truth_missing', 'call_failed']) {
      expect(text).toContain(
        `synthcall_labels_from_plan_total{reason="${reason}",service="analytics-sink"} 0\n`,
      );
    }
    expect(text).toContain('synthcall_labels_pii_dropped_total{service="analytics-sink"} 0\n');
  });

  it('registers its run in the database at start and closes the database after the last write on shutdown', async () => {
    const events: string[] = [];
    const database = {
      writeRun: async (run: { runId: string }) => {
        events.push(`run ${run.runId}`);
      },
      writeCall: async () => undefined,
      writeIntelligence: async () => undefined,
      close: async () => {
        events.push('closed');
      },
    };
    await startApp({ database });
    expect(events).toEqual(['run run-app']);
    const app = apps[0];
    expect(app?.shutdownSteps.map((s) => s.name)).toEqual([
      'stop intake and flush the dataset',
      'flush and close Segment',
      'flush pending PostgreSQL writes',
      'close PostgreSQL',
      'close event bus',
    ]);
  });
});
