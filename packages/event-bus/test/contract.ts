import { createHash } from 'node:crypto';
import { type DeadLetter, type EventSchemaName, exampleEvents, type TopicBinding } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_LIMITS } from '../src/deliver.js';
import { PermanentError } from '../src/errors.js';
import type { ConsumedEvent, EventBus } from '../src/port.js';

/** What each adapter's test file provides to run the shared contract. */
export interface ContractHarness {
  bus: EventBus & {
    sendRaw(
      topic: string,
      key: string,
      value: Buffer | null,
      headers?: Record<string, string>,
    ): Promise<void>;
  };
  /** A fresh topic (unique name, created on a real broker) bound to the schema. */
  topic<S extends EventSchemaName>(schema: S, partitions?: number): Promise<TopicBinding<S>>;
  /** This harness's own dead-letter topic, which the bus was configured with. */
  deadLetters: TopicBinding<'DeadLetter'>;
  group(): string;
  close(): Promise<void>;
}

/** Polls until `check` returns without throwing (an expect inside it) or the time is up. */
export async function eventually(check: () => void, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * The EventBus contract: the same behaviour sentences run against the in-memory adapter (unit tier) and the Kafka
 * adapter (integration tier, real broker and registry).
 */
export function describeEventBusContract(adapter: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`EventBus contract: ${adapter}`, () => {
    let harness: ContractHarness | undefined;
    const setup = async () => {
      harness = await makeHarness();
      return harness;
    };
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    const collectDeadLetters = async (h: ContractHarness) => {
      const letters: DeadLetter[] = [];
      await h.bus.subscribe({
        topic: h.deadLetters,
        group: h.group(),
        fromBeginning: true,
        handler: async (e) => {
          letters.push(e.value);
        },
      });
      return letters;
    };

    it('delivers a published Avro event, decoded, with its key and headers', async () => {
      const h = await setup();
      const topic = await h.topic('CallPlanned');
      const seen: Array<ConsumedEvent<unknown>> = [];
      await h.bus.subscribe({ topic, group: h.group(), handler: async (e) => void seen.push(e) });
      const event = exampleEvents('call-contract-1').CallPlanned;
      await h.bus.publish(topic, event.callId, event, { 'x-trace': 'abc' });
      await eventually(() => expect(seen).toHaveLength(1));
      expect(seen[0]?.value).toEqual(event);
      expect(seen[0]?.key).toBe('call-contract-1');
      expect(seen[0]?.headers['x-trace']).toBe('abc');
    });

    it('keeps the order of each key: a key’s events are handled in the order they were published', async () => {
      const h = await setup();
      const topic = await h.topic('UtteranceHeard', 3);
      const seen = new Map<string, number[]>();
      await h.bus.subscribe({
        topic,
        group: h.group(),
        handler: async (e) => {
          // A little jitter per message: a bus that ran a key's messages concurrently would reorder them.
          await new Promise((r) => setTimeout(r, e.value.turn % 3));
          seen.set(e.key, [...(seen.get(e.key) ?? []), e.value.turn]);
        },
      });
      const base = exampleEvents().UtteranceHeard;
      const keys = ['call-a', 'call-b', 'call-c', 'call-d', 'call-e'];
      for (let turn = 0; turn < 8; turn++) {
        await Promise.all(keys.map((key) => h.bus.publish(topic, key, { ...base, callId: key, turn })));
      }
      await eventually(() => expect([...seen.values()].flat()).toHaveLength(40));
      for (const key of keys) expect(seen.get(key), key).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('gives every consumer group its own copy of each event', async () => {
      const h = await setup();
      const topic = await h.topic('ReplyReady');
      const a: number[] = [];
      const b: number[] = [];
      await h.bus.subscribe({ topic, group: h.group(), handler: async (e) => void a.push(e.value.turn) });
      await h.bus.subscribe({ topic, group: h.group(), handler: async (e) => void b.push(e.value.turn) });
      const reply = exampleEvents().ReplyReady;
      for (const turn of [1, 2, 3]) await h.bus.publish(topic, 'call-g', { ...reply, turn });
      await eventually(() => {
        expect(a).toEqual([1, 2, 3]);
        expect(b).toEqual([1, 2, 3]);
      });
    });

    it('retries a failing handler and commits once it succeeds, without a dead letter', async () => {
      const h = await setup();
      const topic = await h.topic('CallLifecycle');
      const letters = await collectDeadLetters(h);
      let calls = 0;
      const done: string[] = [];
      await h.bus.subscribe({
        topic,
        group: h.group(),
        retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 },
        handler: async (e) => {
          calls += 1;
          if (calls < 3) throw new Error(`transient failure ${calls}`);
          done.push(e.value.eventId);
        },
      });
      const event = exampleEvents('call-r').CallLifecycle;
      await h.bus.publish(topic, event.callId, event);
      await eventually(() => expect(done).toEqual([event.eventId]));
      expect(calls).toBe(3);
      expect(letters).toEqual([]);
    });

    it('dead-letters a message whose handler keeps failing, with the reason, and carries on with the next', async () => {
      const h = await setup();
      const topic = await h.topic('UtteranceHeard');
      const letters = await collectDeadLetters(h);
      const handled: number[] = [];
      const group = h.group();
      await h.bus.subscribe({
        topic,
        group,
        retry: { attempts: 2, initialBackoffMs: 1, maxBackoffMs: 2 },
        handler: async (e) => {
          if (e.value.turn === 1) throw new Error('the engine is on fire');
          handled.push(e.value.turn);
        },
      });
      const base = exampleEvents('call-dl').UtteranceHeard;
      for (const turn of [0, 1, 2]) await h.bus.publish(topic, 'call-dl', { ...base, turn });
      await eventually(() => {
        expect(handled).toEqual([0, 2]);
        expect(letters).toHaveLength(1);
      });
      const letter = letters[0] as DeadLetter;
      expect(letter).toMatchObject({
        originalTopic: topic.name,
        consumerGroup: group,
        errorCode: 'SYNTH_HANDLER_FAILED',
        errorMessage: 'the engine is on fire',
        attempts: 2,
      });
      expect(letter.originalKey?.toString()).toBe('call-dl');
      // The original bytes are kept unchanged, so the message can be replayed after a fix.
      expect(letter.originalValue?.[0]).toBe(0);
    });

    it('dead-letters an undecodable message with SYNTH_DECODE_FAILED and keeps consuming', async () => {
      const h = await setup();
      const topic = await h.topic('ReplyReady', 1);
      const letters = await collectDeadLetters(h);
      const handled: number[] = [];
      await h.bus.subscribe({
        topic,
        group: h.group(),
        handler: async (e) => void handled.push(e.value.turn),
      });
      await h.bus.sendRaw(topic.name, 'call-bad', Buffer.from('{"not":"avro"}'));
      await h.bus.publish(topic, 'call-bad', { ...exampleEvents('call-bad').ReplyReady, turn: 7 });
      await eventually(() => {
        expect(handled).toEqual([7]);
        expect(letters).toHaveLength(1);
      });
      expect(letters[0]).toMatchObject({ errorCode: 'SYNTH_DECODE_FAILED', attempts: 0 });
      expect(letters[0]?.errorMessage).toMatch(/magic byte/);
      expect(letters[0]?.originalValue?.toString()).toBe('{"not":"avro"}');
    });

    it('dead-letters a record near the broker’s size limit with its value cut to a bound, its SHA-256, size and offset, and keeps consuming', async () => {
      const h = await setup();
      const topic = await h.topic('ReplyReady', 1);
      const letters = await collectDeadLetters(h);
      const handled: number[] = [];
      await h.bus.subscribe({
        topic,
        group: h.group(),
        handler: async (e) => void handled.push(e.value.turn),
      });
      // ~1.048 MB: fits Kafka's default 1 MiB message limit by itself, but not wrapped in a dead letter.
      const huge = Buffer.alloc(1_048_300, 'x');
      await h.bus.sendRaw(topic.name, 'call-huge', huge, { trace: 'y'.repeat(100) });
      await h.bus.publish(topic, 'call-huge', { ...exampleEvents('call-huge').ReplyReady, turn: 3 });
      await eventually(() => {
        expect(handled).toEqual([3]);
        expect(letters).toHaveLength(1);
      }, 60_000);
      const letter = letters[0];
      expect(letter).toMatchObject({
        errorCode: 'SYNTH_DECODE_FAILED',
        originalOffset: '0',
        originalValueSize: 1_048_300,
        originalValueSha256: createHash('sha256').update(huge).digest('hex'),
        truncated: true,
      });
      expect(letter?.originalValue?.length).toBe(DEAD_LETTER_LIMITS.valueBytes);
      expect(letter?.originalValue?.equals(huge.subarray(0, DEAD_LETTER_LIMITS.valueBytes))).toBe(true);
      expect(letter?.originalHeaders.trace?.toString()).toBe('y'.repeat(100));
    }, 90_000);

    it('dead-letters at once, without retries, when the handler says the input is permanently wrong', async () => {
      const h = await setup();
      const topic = await h.topic('CallRequested');
      const letters = await collectDeadLetters(h);
      let calls = 0;
      await h.bus.subscribe({
        topic,
        group: h.group(),
        retry: { attempts: 5, initialBackoffMs: 1, maxBackoffMs: 2 },
        handler: async () => {
          calls += 1;
          throw new PermanentError('SYNTH_PERSONA_INVALID', 'no persona matches the filter');
        },
      });
      const request = exampleEvents().CallRequested;
      await h.bus.publish(topic, request.requestId, request);
      await eventually(() => expect(letters).toHaveLength(1));
      expect(calls).toBe(1);
      expect(letters[0]).toMatchObject({ errorCode: 'SYNTH_PERSONA_INVALID', attempts: 1 });
    });

    it('delivers the last replayMs again to a restarted subscription whose group already committed them', async () => {
      const h = await setup();
      const topic = await h.topic('UtteranceHeard', 1);
      const group = h.group();
      const base = exampleEvents().UtteranceHeard;
      const first: number[] = [];
      const sub = await h.bus.subscribe({
        topic,
        group,
        fromBeginning: true,
        handler: async (e) => void first.push(e.value.turn),
      });
      await h.bus.publish(topic, 'call-replay', { ...base, callId: 'call-replay', turn: 0 });
      await eventually(() => expect(first).toEqual([0]));
      await sub.close();
      await h.bus.publish(topic, 'call-replay', { ...base, callId: 'call-replay', turn: 1 });

      // Without replay the group goes on from its commit: turn 0 is not seen again.
      const plain: number[] = [];
      const plainSub = await h.bus.subscribe({
        topic,
        group,
        handler: async (e) => void plain.push(e.value.turn),
      });
      await eventually(() => expect(plain).toEqual([1]));
      await plainSub.close();

      // One more message after the commit: the replay must deliver the window in order before it.
      await h.bus.publish(topic, 'call-replay', { ...base, callId: 'call-replay', turn: 2 });
      // With replay the restarted member sees the recent history again, in order, then goes on.
      const replayed: number[] = [];
      await h.bus.subscribe({
        topic,
        group,
        replayMs: 60_000,
        handler: async (e) => void replayed.push(e.value.turn),
      });
      await eventually(() => expect(replayed).toEqual([0, 1, 2]));
    });

    it('refuses to publish a value that does not fit the topic schema, naming the field', async () => {
      const h = await setup();
      const topic = await h.topic('CallPlanned');
      const bad = { ...exampleEvents().CallPlanned, pairingScore: 'high' } as never;
      await expect(h.bus.publish(topic, 'call-x', bad)).rejects.toMatchObject({
        code: 'SYNTH_SCHEMA_MISMATCH',
        message: expect.stringContaining('pairingScore'),
      });
    });
  });
}
