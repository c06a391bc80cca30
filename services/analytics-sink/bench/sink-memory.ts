// Feeds N complete calls (plan, 12 turns with what was heard, lifecycle, ground truth, recording, Voice Intelligence
// results) through the embedded bus into the dataset sink and the Segment publisher, and prints how many calls they
// still hold and the heap before and after. A sink that keeps every call it saw grows with N; this one should hold none.
// Usage: npm run bench -w @synthcall/analytics-sink -- [calls=5000]  (node --expose-gc for steadier heap figures)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@synthcall/event-bus';
import { DatasetSink } from '../src/dataset-sink.js';
import type { SegmentMessage } from '../src/domain/segment-events.js';
import { SegmentPublisher } from '../src/segment-publisher.js';
import { ALL_CALL_EVENT_PARTS, callEvents, publishCall } from '../src/testing/call-events.js';

const calls = Number(process.argv[2] ?? 5000);
const quiet = { info() {}, warn() {}, error() {} };
const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const dir = await mkdtemp(join(tmpdir(), 'sink-memory-'));
const bus = new MemoryEventBus();
const sink = new DatasetSink({ bus, dir, logger: quiet, settleMs: 0 });
let segmentCalls = 0;
const publisher = new SegmentPublisher({
  bus,
  logger: quiet,
  settleMs: 0,
  segment: {
    send: async (_m: SegmentMessage) => {
      segmentCalls++;
    },
    close: async () => {},
  },
});
await sink.start();
await publisher.start();
const before = heapMb();
const started = performance.now();

const line = (call: number, turn: number) =>
  `Line ${turn} of call ${call}: a sentence of ordinary length, as a caller or an agent would say it.`;

for (let i = 0; i < calls; i++) {
  const events = callEvents(`bench-${i}`, {
    turns: 12,
    reply: (turn) => ({ text: line(i, turn) }),
    heard: (turn) => ({ text: line(i, turn).toLowerCase() }),
  });
  await publishCall(bus, events, ALL_CALL_EVENT_PARTS);
  if (i % 500 === 499) {
    await bus.idle();
    await sink.flush();
    process.stderr.write(`calls ${i + 1}/${calls}, held by the sink ${sink.callsInMemory}\n`);
  }
}
await bus.idle();
await sink.flush();
await publisher.flush();
const seconds = (performance.now() - started) / 1000;
const after = heapMb();
console.log(
  JSON.stringify(
    {
      calls,
      written: sink.writtenCalls,
      segmentCalls,
      heldBySink: sink.callsInMemory,
      heldBySegmentPublisher: publisher.callsInMemory,
      sinkMaps: sink.heldCalls(),
      segmentPublisherMaps: publisher.heldCalls(),
      heapBeforeMb: Number(before.toFixed(1)),
      heapAfterMb: Number(after.toFixed(1)),
      seconds: Number(seconds.toFixed(1)),
      gcExposed: gc !== undefined,
    },
    null,
    2,
  ),
);
await publisher.close();
await sink.close();
await bus.close();
await rm(dir, { recursive: true, force: true });
