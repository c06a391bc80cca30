import { ConfluentSchemaRegistry, type DeadLetter, EventCodec, type TopicBinding } from '@synthcall/schemas';
import { freshTopic, integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KafkaCallBudget } from './kafka-call-budget.js';

const budgets: KafkaCallBudget[] = [];
afterEach(async () => {
  await Promise.all(budgets.splice(0).map((b) => b.close()));
});

describe('KafkaCallBudget on a real broker', () => {
  let brokers: string[];
  let codec: EventCodec;
  let topic: TopicBinding<'CallBudgetClaim'>;

  beforeAll(async () => {
    const env = integrationEnv();
    brokers = env.brokers.split(',');
    codec = new EventCodec(new ConfluentSchemaRegistry({ url: env.registryUrl }));
  });

  function budget(
    maxDailyCalls: number,
    more: Partial<ConstructorParameters<typeof KafkaCallBudget>[0]> = {},
  ): KafkaCallBudget {
    const b = new KafkaCallBudget({
      brokers,
      clientId: uniqueName('it-budget'),
      codec,
      topic,
      maxDailyCalls,
      instanceId: uniqueName('replica'),
      ...more,
    });
    budgets.push(b);
    return b;
  }

  it('never grants more than the cap to two replicas claiming at once, and a restart keeps the count', async () => {
    topic = await freshTopic(brokers.join(','), 'CallBudgetClaim', 1);
    const [a, b] = [budget(5), budget(5)];
    const now = new Date();
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).claim(`call-${i}`, now)),
    );
    expect(decisions.filter((d) => d.granted)).toHaveLength(5);
    // The broker's offsets are one total order: every claim has its own rank.
    expect(decisions.map((d) => d.rank).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    expect(decisions.every((d) => d.granted === d.rank < 5)).toBe(true);

    await Promise.all(budgets.splice(0).map((x) => x.close()));
    const restarted = budget(5);
    expect(await restarted.claim('call-after-restart', new Date())).toMatchObject({
      rank: 12,
      granted: false,
    });
    const raisedCap = budget(20);
    expect(await raisedCap.claim('call-with-more-room', new Date())).toMatchObject({
      rank: 13,
      granted: true,
    });
  });

  it('skips and dead-letters poison on the topic (garbage bytes, a tombstone) instead of stopping every claim, and spends no slot on it', async () => {
    topic = await freshTopic(brokers.join(','), 'CallBudgetClaim', 1);
    const deadLetters = await freshTopic(brokers.join(','), 'DeadLetter', 1);
    const kafka = new Kafka({ clientId: uniqueName('it-poison'), brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: topic.name,
      acks: -1,
      messages: [
        { key: 'poison', value: Buffer.from('{"callId":"not avro"}') },
        { key: 'tombstone', value: null },
      ],
    });
    await producer.disconnect();

    const now = new Date();
    const b = budget(2, { deadLetterTopic: deadLetters, readTimeoutMs: 15_000 });
    expect(await b.claim('call-0', now)).toMatchObject({ rank: 0, granted: true });
    expect(await b.claim('call-1', now)).toMatchObject({ rank: 1, granted: true });
    expect(await b.claim('call-2', now)).toMatchObject({ rank: 2, granted: false });

    const { bus } = await kafkaBusForTest();
    const letters: DeadLetter[] = [];
    try {
      await bus.subscribe({
        topic: deadLetters,
        group: uniqueName('it-budget-dl'),
        fromBeginning: true,
        handler: async (e) => void letters.push(e.value),
      });
      const deadline = Date.now() + 30_000;
      while (letters.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await bus.close();
    }
    expect(letters.map((l) => [l.originalTopic, l.originalOffset, l.errorCode, l.attempts])).toEqual([
      [topic.name, '0', 'SYNTH_DECODE_FAILED', 0],
      [topic.name, '1', 'SYNTH_DECODE_FAILED', 0],
    ]);
    expect(letters[0]?.originalValue?.toString()).toBe('{"callId":"not avro"}');
  }, 90_000);

  it('counts a call once however often it is claimed: a duplicate on the topic and a claim replayed after a crash', async () => {
    topic = await freshTopic(brokers.join(','), 'CallBudgetClaim', 1);
    const now = new Date();
    const crashed = budget(3);
    expect(await crashed.claim('call-0', now)).toMatchObject({ rank: 0, granted: true });
    // A second claim message for the same call, as two replicas racing on one redelivered request would write.
    const kafka = new Kafka({ clientId: uniqueName('it-dup'), brokers, logLevel: logLevel.WARN });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const value = await codec.encode(topic, {
      callId: 'call-0',
      day: now.toISOString().slice(0, 10),
      claimedAt: now,
      claimedBy: 'racing-replica',
    });
    await producer.send({ topic: topic.name, acks: -1, messages: [{ key: 'call-0', value }] });
    await producer.disconnect();
    // The orchestrator that claimed call-0 dies before placing it.
    await crashed.close();

    const other = budget(3);
    expect(await other.claim('call-1', now)).toMatchObject({ rank: 1, granted: true });
    // Its replacement gets the request again and claims call-0 again: the same slot, not a new one.
    const restarted = budget(3);
    const admin = kafka.admin();
    await admin.connect();
    const claimsOnTopic = async () => (await admin.fetchTopicOffsets(topic.name))[0]?.high;
    const before = await claimsOnTopic();
    expect(await restarted.claim('call-0', now)).toMatchObject({ rank: 0, granted: true });
    // It found the earlier claim while reading the topic: nothing new was written.
    expect(await claimsOnTopic()).toBe(before);
    await admin.disconnect();
    expect(await other.claim('call-2', now)).toMatchObject({ rank: 2, granted: true });
    expect(await restarted.claim('call-3', now)).toMatchObject({ rank: 3, granted: false });
    expect(await other.claim('call-0', now)).toMatchObject({ rank: 0, granted: true });
  });
});
