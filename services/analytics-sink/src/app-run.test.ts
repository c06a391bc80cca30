import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunManifest } from './adapters/dataset-writer.js';
import { createApp, type RunDeps, type RunSinkApp } from './app.js';
import { loadAnalyticsSinkConfig } from './config.js';
import { callEvents, publishCall } from './testing/call-events.js';

const apps: RunSinkApp[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) for (const step of app.shutdownSteps) await step.run();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const manifest = (counts: RunManifest['counts']): RunManifest => ({
  runId: 'run-1',
  seed: 'seed',
  config: {},
  versions: {},
  personas: { customers: [], agents: [] },
  counts,
  startedAt: '2026-01-05T09:00:00.000Z',
  finishedAt: '2026-01-05T09:01:00.000Z',
});

async function runApp(run: Partial<RunDeps['run']> = {}, database?: RunDeps['database']) {
  const dir = await mkdtemp(join(tmpdir(), 'sink-run-'));
  dirs.push(dir);
  const bus = new MemoryEventBus();
  const finished: number[] = [];
  const app = createApp({
    config: loadAnalyticsSinkConfig({ DATASET_DIR: dir, DATASET_SETTLE_MS: '0' }),
    logger: createLogger({
      service: 'analytics-sink',
      version: 'test',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    }),
    registry: createMetricsRegistry({ service: 'analytics-sink', version: 'test' }),
    bus,
    ...(database ? { database } : {}),
    run: {
      groups: { dataset: 'dataset', segment: 'segment' },
      writeEarly: true,
      onCallFinished: (n) => finished.push(n),
      ...run,
    },
  });
  apps.push(app);
  await app.start();
  return { app, bus, dir, finished };
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('analytics-sink createApp for one run (synthcall generate)', () => {
  it('writes a complete call during the run and drops it, then every call in callId order with the run manifest', async () => {
    const { app, bus, dir, finished } = await runApp();
    await publishCall(bus, callEvents('call-b'));
    await publishCall(bus, callEvents('call-a'));
    await publishCall(bus, callEvents('call-c'), ['planned', 'replies', 'heard', 'ended']);
    await bus.idle();
    await app.drain();
    expect(finished).toEqual([1, 2, 3]);
    // call-b was complete when call-a ended, call-a when call-c did; call-c has no ground truth or results.
    expect(await exists(join(dir, 'transcripts', 'call-b.json'))).toBe(true);
    expect(await exists(join(dir, 'labels', 'call-a.json'))).toBe(true);
    expect(await exists(join(dir, 'transcripts', 'call-c.json'))).toBe(false);
    expect(app.run.dataset.callIds()).toEqual(['call-c']);
    expect(app.run.awaitingGroundTruth()).toBe(1);
    expect(app.run.calls().map((c) => [c.record.callId, c.ended])).toEqual([
      ['call-b', true],
      ['call-a', true],
      ['call-c', true],
    ]);

    expect(await app.run.write(manifest({ calls: 3 }))).toEqual({});
    const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { callId: string }).callId)).toEqual([
      'call-a',
      'call-b',
      'call-c',
    ]);
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      runId: 'run-1',
      counts: { calls: 3 },
      synthetic: true,
    });
    expect(await exists(join(dir, 'transcripts', 'call-c.json'))).toBe(true);
    // Segment's calls went to the file, as the service writes them without a write key.
    expect((await readFile(join(dir, 'segment.jsonl'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('holds every call until the end without writeEarly, then writes the files before the database', async () => {
    const events: string[] = [];
    const database: NonNullable<RunDeps['database']> = {
      writeDataset: async (dataset, m, recordingFile) => {
        events.push(`database ${m.runId} ${dataset.callIds().join(',')} ${recordingFile?.('call-a')}`);
        return dataset.size;
      },
      close: async () => {
        events.push('closed');
      },
    };
    const { app, bus, dir } = await runApp({ writeEarly: false, recordingFiles: true }, database);
    await publishCall(bus, callEvents('call-a'));
    await publishCall(bus, callEvents('call-b'));
    await bus.idle();
    await app.drain();
    expect(await exists(join(dir, 'transcripts', 'call-a.json'))).toBe(false);
    const written = await app.run.write(manifest({ calls: 2 }));
    expect(written.database?.calls).toBe(2);
    expect(events).toEqual(['database run-1 call-a,call-b recordings/call-a.wav']);
    expect(await exists(join(dir, 'transcripts', 'call-a.json'))).toBe(true);
    expect(app.shutdownSteps.map((s) => s.name)).toEqual([
      'stop collecting the run',
      'flush and close Segment',
      'close PostgreSQL',
    ]);
    for (const step of apps.splice(0)[0]?.shutdownSteps ?? []) await step.run();
    expect(events.at(-1)).toBe('closed');
  });
});
