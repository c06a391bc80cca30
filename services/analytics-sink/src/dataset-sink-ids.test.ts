import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@synthcall/event-bus';
import { EventCodec, LocalSchemaRegistry, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetSink } from './dataset-sink.js';
import { callEvents, publishCall } from './testing/call-events.js';

const quiet = { info() {}, warn() {}, error() {} };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

describe('analytics-sink and hostile ids', () => {
  it('dead-letters a planned call whose callId or requestId is no valid id, and writes nothing for it anywhere', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'sink-ids-'));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    const dir = join(parent, 'dataset');
    const codec = new EventCodec(new LocalSchemaRegistry());
    const bus = new MemoryEventBus({ codec, sleep: async () => {} });
    const sink = new DatasetSink({ bus, dir, logger: quiet, settleMs: 0 });
    await sink.start();
    cleanups.push(async () => {
      await sink.close();
      await bus.close();
    });

    const escaping = callEvents('../../escaped-0000');
    await publishCall(bus, escaping, ['planned', 'replies', 'ended']);
    const spaced = callEvents('req-ok-0000');
    await publishCall(bus, { ...spaced, planned: { ...spaced.planned, requestId: 'has space' } }, [
      'planned',
    ]);
    await bus.idle();
    await new Promise((r) => setTimeout(r, 20));
    await sink.flush();

    const letters = [];
    for (const m of bus.messages(TOPICS.deadLetters.name)) {
      letters.push(await codec.decode(TOPICS.deadLetters, m.value as Buffer));
    }
    expect(letters.map((l) => [l.originalTopic, l.errorCode, l.attempts])).toEqual([
      ['calls', 'SYNTH_CALL_ID_INVALID', 1],
      ['calls', 'SYNTH_CALL_ID_INVALID', 1],
    ]);
    expect(letters[0]?.errorMessage).toContain('callId "../../escaped-0000" must consist of');
    expect(letters[1]?.errorMessage).toContain('requestId "has space" must consist of');
    expect(await readdir(parent)).toEqual(['dataset']);
    expect(await readdir(join(dir, 'transcripts'))).toEqual([]);
  });
});
