import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus } from '@synthcall/event-bus';
import { freshTopic, integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetSink } from './dataset-sink.js';
import { callEvents, publishCall } from './testing/call-events.js';

const quiet = { info() {}, warn() {}, error() {} };
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function callsIn(
  dir: string,
): Promise<Array<{ callId: string; turnCount: number; endReason: string }>> {
  const file = join(dir, 'calls.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('DatasetSink on a real broker', () => {
  it('keeps a call that was in flight when the sink restarted: its first events are read again (replayMs)', async () => {
    const { brokers } = integrationEnv();
    const topics = {
      calls: await freshTopic(brokers, 'CallPlanned', 2),
      replies: await freshTopic(brokers, 'ReplyReady', 2),
      utterances: await freshTopic(brokers, 'UtteranceHeard', 2),
      callEvents: await freshTopic(brokers, 'CallLifecycle', 2),
      groundTruth: await freshTopic(brokers, 'GroundTruthRecorded', 2),
    };
    const dir = await mkdtemp(join(tmpdir(), 'sink-replay-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const group = uniqueName('it-sink');
    const start = async (bus: EventBus) => {
      const sink = new DatasetSink({
        bus,
        dir,
        group,
        logger: quiet,
        settleMs: 2_000,
        replayMs: 60_000,
        topics,
      });
      await sink.start();
      return sink;
    };
    const callId = uniqueName('call-restart');
    const ev = callEvents(callId, { turns: 4 });

    const first = (await kafkaBusForTest()).bus;
    cleanups.push(() => first.close());
    const sink1 = await start(first);
    await publishCall(first, { ...ev, replies: ev.replies.slice(0, 2) }, ['planned', 'replies'], topics);
    // Long enough for the first sink to consume and commit the plan and two turns, then it stops mid-call.
    await sleep(3_000);
    await sink1.close();
    await first.close();

    const second = (await kafkaBusForTest()).bus;
    cleanups.push(() => second.close());
    await publishCall(
      second,
      { ...ev, replies: ev.replies.slice(2) },
      ['replies', 'ended', 'groundTruth'],
      topics,
    );
    const sink2 = await start(second);
    cleanups.push(() => sink2.close());
    const deadline = Date.now() + 30_000;
    while ((await callsIn(dir)).length === 0 && Date.now() < deadline) await sleep(250);
    await sink2.flush();
    expect((await callsIn(dir)).map((c) => [c.callId, c.turnCount, c.endReason])).toEqual([
      [callId, 4, 'resolved'],
    ]);
    // Labelled from the ground truth on its own topic, every turn's realizedBy from it.
    const labels = JSON.parse(await readFile(join(dir, 'labels', `${callId}.json`), 'utf8'));
    expect(labels).toMatchObject({ source: 'provider', turnsRealizedBy: { template: 4 } });
  }, 60_000);
});
