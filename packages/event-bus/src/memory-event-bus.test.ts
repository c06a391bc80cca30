import { bindTopic } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { describeEventBusContract } from '../test/contract.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { partitionFor } from './partitioner.js';

let n = 0;
describeEventBusContract('in-memory', async () => {
  const suffix = `${Date.now()}-${n++}`;
  const deadLetters = bindTopic('DeadLetter', `dead-letters-${suffix}`);
  const bus = new MemoryEventBus({ deadLetterTopic: deadLetters });
  let topics = 0;
  let groups = 0;
  return {
    bus,
    deadLetters,
    topic: async (schema) => bindTopic(schema, `t-${suffix}-${topics++}`),
    group: () => `g-${suffix}-${groups++}`,
    close: () => bus.close(),
  };
});

describe('MemoryEventBus specifics', () => {
  it('puts a key on the partition Kafka’s default partitioner would choose', () => {
    // Kafka's murmur2 of "call-a" is deterministic; the same key must always land on the same partition.
    const p = partitionFor(Buffer.from('call-a'), 6);
    expect(p).toBe(partitionFor(Buffer.from('call-a'), 6));
    const spread = new Set(Array.from({ length: 200 }, (_, i) => partitionFor(Buffer.from(`call-${i}`), 6)));
    expect(spread.size).toBe(6);
  });

  it('idle() waits until every published message, including those published by handlers, is handled', async () => {
    const bus = new MemoryEventBus();
    const a = bindTopic('CallRequested', 'idle-a');
    const b = bindTopic('CallRequested', 'idle-b');
    const seen: string[] = [];
    await bus.subscribe({
      topic: a,
      group: 'g',
      handler: async (e) => {
        await new Promise((r) => setTimeout(r, 5));
        await bus.publish(b, e.key, e.value);
      },
    });
    await bus.subscribe({ topic: b, group: 'g', handler: async (e) => void seen.push(e.key) });
    const { exampleEvents } = await import('@synthcall/schemas');
    await bus.publish(a, 'r1', exampleEvents().CallRequested);
    await bus.idle();
    expect(seen).toEqual(['r1']);
    await bus.close();
  });

  it('with dropConsumed, forgets a message once every group has handled it, and keeps it until then', async () => {
    const { exampleEvents } = await import('@synthcall/schemas');
    const topic = bindTopic('CallRequested', 'drop-consumed');
    const bus = new MemoryEventBus({ dropConsumed: true, defaultPartitions: 1 });
    const fast: string[] = [];
    await bus.subscribe({ topic, group: 'fast', handler: async (e) => void fast.push(e.key) });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: string[] = [];
    await bus.subscribe({
      topic,
      group: 'slow',
      handler: async (e) => {
        await gate;
        slow.push(e.key);
      },
    });
    for (let i = 0; i < 100; i++) await bus.publish(topic, `k${i}`, exampleEvents().CallRequested);
    await new Promise((r) => setTimeout(r, 10));
    expect(fast).toHaveLength(100);
    // The slow group has handled none of them yet: all 100 are still held.
    expect(bus.messages(topic.name)).toHaveLength(100);
    release();
    await bus.idle();
    expect(slow).toHaveLength(100);
    expect(bus.messages(topic.name)).toHaveLength(0);
    // Offsets go on from where they were, as Kafka's do after retention deleted a segment.
    const offsets: string[] = [];
    await bus.subscribe({ topic, group: 'late', handler: async (e) => void offsets.push(e.offset) });
    await bus.publish(topic, 'k100', exampleEvents().CallRequested);
    await bus.idle();
    expect(offsets).toEqual(['100']);
    expect(bus.messages(topic.name)).toHaveLength(0);
    await bus.close();
  });

  it('keeps every message by default, so a group that joins late reads the topic from the beginning', async () => {
    const { exampleEvents } = await import('@synthcall/schemas');
    const topic = bindTopic('CallRequested', 'keep-consumed');
    const bus = new MemoryEventBus();
    await bus.subscribe({ topic, group: 'first', handler: async () => undefined });
    for (let i = 0; i < 3; i++) await bus.publish(topic, `k${i}`, exampleEvents().CallRequested);
    await bus.idle();
    expect(bus.messages(topic.name)).toHaveLength(3);
    const late: string[] = [];
    await bus.subscribe({
      topic,
      group: 'late',
      fromBeginning: true,
      handler: async (e) => void late.push(e.key),
    });
    await bus.idle();
    expect(late.sort()).toEqual(['k0', 'k1', 'k2']);
    await bus.close();
  });

  it('refuses to publish after close', async () => {
    const bus = new MemoryEventBus();
    await bus.close();
    const { exampleEvents } = await import('@synthcall/schemas');
    await expect(
      bus.publish(bindTopic('CallRequested', 'x'), 'k', exampleEvents().CallRequested),
    ).rejects.toMatchObject({
      code: 'SYNTH_BUS_CLOSED',
    });
  });
});
