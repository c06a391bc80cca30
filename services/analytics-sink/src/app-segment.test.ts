import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Env } from '@synthcall/config';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { loadAnalyticsSinkConfig } from './config.js';
import { callEvents, publishCall } from './testing/call-events.js';
import { type SegmentReceiver, startSegmentReceiver } from './testing/segment-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function runOneCall(env: Env) {
  const dir = await mkdtemp(join(tmpdir(), 'sink-segment-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const bus = new MemoryEventBus();
  const app = createApp({
    // Replay off: shutdown sends the call still settling (with replay it is left to the next start's replay).
    config: loadAnalyticsSinkConfig({ DATASET_DIR: dir, DATASET_REPLAY_MS: '0', ...env }),
    logger: createLogger({
      service: 'analytics-sink',
      version: 'test',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    }),
    registry: createMetricsRegistry({ service: 'analytics-sink', version: 'test' }),
    bus,
    ownsBus: true,
  });
  await app.start();
  await publishCall(bus, callEvents('call-0001'), ['planned', 'started', 'ended', 'analyzed']);
  await bus.idle();
  // The service's shutdown order: dataset, then Segment's closeAndFlush, then the bus.
  for (const step of app.shutdownSteps) await step.run();
  return dir;
}

describe('analytics-sink Segment wiring from config', () => {
  it('writes the Segment calls to <DATASET_DIR>/segment.jsonl when SEGMENT_WRITE_KEY is unset', async () => {
    const dir = await runOneCall({});
    const lines = (await readFile(join(dir, 'segment.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { messageId: string }).messageId).sort()).toEqual([
      'call-0001:call-analyzed',
      'call-0001:call-completed',
      'call-0001:call-started',
      'call-0001:identify',
    ]);
  });

  it('sends to SEGMENT_HOST with the write key when SEGMENT_WRITE_KEY is set, and writes no segment.jsonl', async () => {
    const receiver: SegmentReceiver = await startSegmentReceiver('key-from-env');
    cleanups.push(() => receiver.close());
    const dir = await runOneCall({ SEGMENT_WRITE_KEY: 'key-from-env', SEGMENT_HOST: receiver.url });
    expect(receiver.violations).toEqual([]);
    expect(receiver.messages.map((m) => m.messageId).sort()).toEqual([
      'call-0001:call-analyzed',
      'call-0001:call-completed',
      'call-0001:call-started',
      'call-0001:identify',
    ]);
    await expect(readFile(join(dir, 'segment.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
