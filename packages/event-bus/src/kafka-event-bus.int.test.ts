import { exampleEvents } from '@synthcall/schemas';
import { freshTopic, integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { describeEventBusContract, eventually } from '../test/contract.js';
import type { KafkaEventBus } from './kafka-event-bus.js';

describeEventBusContract('Kafka (kafkajs) on a real broker and registry', async () => {
  const { bus, deadLetters, brokers } = await kafkaBusForTest();
  return {
    bus,
    deadLetters,
    topic: (schema, partitions) => freshTopic(brokers, schema, partitions),
    group: () => uniqueName('it-group'),
    close: () => bus.close(),
  };
});

describe('KafkaEventBus on a real broker', () => {
  it('leaves an idle producer asleep: no 1 ms polling of its request queue after a burst of sends', async () => {
    // kafkajs 2.2.4 re-arms a 1 ms timer forever once a send had to queue behind the one in flight (the producer
    // allows one, for idempotence); src/kafkajs-request-queue.ts stops it. Counted: timers armed while idle.
    const { brokers } = integrationEnv();
    const topic = await freshTopic(brokers, 'UtteranceHeard', 1);
    const { bus } = await kafkaBusForTest();
    const base = exampleEvents().UtteranceHeard;
    try {
      // Concurrent sends on one connection: all but the first wait in the request queue.
      await Promise.all(
        Array.from({ length: 20 }, (_, turn) =>
          bus.publish(topic, 'call-idle', { ...base, callId: 'call-idle', turn }),
        ),
      );
      await new Promise((r) => setTimeout(r, 500));
      const armed: number[] = [];
      const spy = vi.spyOn(globalThis, 'setTimeout');
      await new Promise((r) => setTimeout(r, 2_000));
      for (const call of spy.mock.calls) armed.push(Number(call[1] ?? 0));
      spy.mockRestore();
      // Unpatched this is hundreds to thousands of 1 ms timers (fewer on a busy machine, never a handful).
      expect(armed.filter((ms) => ms <= 1).length).toBeLessThan(20);
    } finally {
      await bus.close();
    }
  });

  it('keeps each key in order across a consumer-group rebalance (a second member joins mid-stream)', async () => {
    const { brokers } = integrationEnv();
    const topic = await freshTopic(brokers, 'UtteranceHeard', 4);
    const group = uniqueName('it-rebalance');
    const buses: KafkaEventBus[] = [];
    const producer = (await kafkaBusForTest()).bus;
    buses.push(producer);
    // Per key: the turns handled, in handling order, across both members (redeliveries included).
    const handled = new Map<string, number[]>();
    const violations: string[] = [];
    const members = new Set<string>();
    const handler = (member: string) => async (e: { key: string; value: { turn: number } }) => {
      members.add(member);
      const seen = handled.get(e.key) ?? [];
      // The guarantee: when turn n of a key is handled, every earlier turn of that key was already handled.
      // (At-least-once may replay a turn after a rebalance; it never skips ahead.)
      for (let t = 0; t < e.value.turn; t++) {
        if (!seen.includes(t)) violations.push(`${member} handled ${e.key}#${e.value.turn} before #${t}`);
      }
      seen.push(e.value.turn);
      handled.set(e.key, seen);
      await new Promise((r) => setTimeout(r, 2));
    };
    const first = (await kafkaBusForTest()).bus;
    buses.push(first);
    await first.subscribe({ topic, group, fromBeginning: true, handler: handler('A') });

    const keys = Array.from({ length: 8 }, (_, i) => `call-rb-${i}`);
    const base = exampleEvents().UtteranceHeard;
    const publishTurns = async (from: number, to: number) => {
      for (let turn = from; turn < to; turn++) {
        await Promise.all(keys.map((key) => producer.publish(topic, key, { ...base, callId: key, turn })));
      }
    };
    try {
      await publishTurns(0, 10);
      const second = (await kafkaBusForTest()).bus;
      buses.push(second);
      // Joining forces a rebalance while A still has messages in flight.
      await second.subscribe({ topic, group, fromBeginning: true, handler: handler('B') });
      await publishTurns(10, 20);
      await eventually(() => {
        for (const key of keys) expect(new Set(handled.get(key)).size, key).toBe(20);
      }, 60_000);
      expect(violations).toEqual([]);
      // Both members handled messages, so partitions really moved between them.
      expect([...members].sort()).toEqual(['A', 'B']);
    } finally {
      await Promise.all(buses.map((b) => b.close()));
    }
  });

  it('keeps its group membership while a handler runs longer than the session timeout (no rebalance, one delivery)', async () => {
    const { brokers } = integrationEnv();
    const topic = await freshTopic(brokers, 'UtteranceHeard', 1);
    // 6 s is the broker's smallest allowed session timeout; the first message takes 9 s to handle.
    const { bus } = await kafkaBusForTest({ sessionTimeoutMs: 6_000 });
    const deliveries: number[] = [];
    let slowDone = false;
    try {
      await bus.subscribe({
        topic,
        group: uniqueName('it-slow'),
        fromBeginning: true,
        handler: async (e) => {
          deliveries.push(e.value.turn);
          if (deliveries.length === 1) {
            await new Promise((r) => setTimeout(r, 9_000));
            slowDone = true;
          }
        },
      });
      const base = exampleEvents().UtteranceHeard;
      await bus.publish(topic, 'call-slow', { ...base, callId: 'call-slow', turn: 0 });
      await bus.publish(topic, 'call-slow', { ...base, callId: 'call-slow', turn: 1 });
      await eventually(() => expect(deliveries).toEqual([0, 1]), 30_000);
      // A member evicted mid-handler would have its commit refused and see turn 0 again after rejoining.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(slowDone).toBe(true);
      expect(deliveries).toEqual([0, 1]);
    } finally {
      await bus.close();
    }
  }, 60_000);

  it('deletes an ephemeral group from the broker when its subscription or the bus closes, and keeps a shared one', async () => {
    const { brokers } = integrationEnv();
    const topic = await freshTopic(brokers, 'UtteranceHeard', 1);
    const { bus } = await kafkaBusForTest();
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const names = {
      shared: uniqueName('it-shared'),
      closed: uniqueName('it-eph'),
      atBusClose: uniqueName('it-eph'),
    };
    const groups = async () => new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    try {
      const handler = async () => {};
      await bus.subscribe({ topic, group: names.shared, handler });
      const own = await bus.subscribe({ topic, group: names.closed, handler, ephemeral: true });
      await bus.subscribe({ topic, group: names.atBusClose, handler, ephemeral: true });
      expect([...(await groups())]).toEqual(expect.arrayContaining(Object.values(names)));

      await own.close();
      expect((await groups()).has(names.closed)).toBe(false);
      await bus.close();
      const left = await groups();
      expect(left.has(names.atBusClose)).toBe(false);
      expect(left.has(names.shared)).toBe(true);
    } finally {
      await bus.close();
      await admin.disconnect();
    }
  });

  it('gives one replica all topics of a key: partition p of every per-topic group goes to the same process', async () => {
    const { brokers } = integrationEnv();
    // Replicas of a service share their client id, as the services do (KAFKA_CLIENT_ID defaults to the service name).
    const replicas = [
      (await kafkaBusForTest({ clientId: 'it-replica' })).bus,
      (await kafkaBusForTest({ clientId: 'it-replica' })).bus,
    ];
    const topics = [];
    for (let t = 0; t < 4; t++) topics.push(await freshTopic(brokers, 'UtteranceHeard', 6));
    const prefix = uniqueName('it-copart');
    // key → topic index → replica that handled it
    const handledBy = new Map<string, Map<number, number>>();
    try {
      for (const [r, bus] of replicas.entries()) {
        for (const [t, topic] of topics.entries()) {
          await bus.subscribe({
            topic,
            group: `${prefix}-${t}`,
            fromBeginning: true,
            handler: async (e) => {
              const byTopic = handledBy.get(e.key) ?? new Map<number, number>();
              byTopic.set(t, r);
              handledBy.set(e.key, byTopic);
            },
          });
        }
      }
      // Let the groups settle after the second replica joined each of them.
      await new Promise((r) => setTimeout(r, 4_000));
      const keys = Array.from({ length: 24 }, (_, i) => `call-copart-${i}`);
      const base = exampleEvents().UtteranceHeard;
      for (const topic of topics) {
        await Promise.all(keys.map((key) => replicas[0]?.publish(topic, key, { ...base, callId: key })));
      }
      await eventually(() => {
        for (const key of keys) expect(handledBy.get(key)?.size, key).toBe(topics.length);
      }, 30_000);
      const split = keys.filter((key) => new Set(handledBy.get(key)?.values()).size > 1);
      expect(split).toEqual([]);
      // Both replicas took part.
      expect(new Set(keys.map((key) => handledBy.get(key)?.get(0)))).toEqual(new Set([0, 1]));
    } finally {
      await Promise.all(replicas.map((b) => b.close()));
    }
  }, 60_000);
});
