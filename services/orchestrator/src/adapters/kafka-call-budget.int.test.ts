import { ConfluentSchemaRegistry, EventCodec, type TopicBinding } from '@synthcall/schemas';
import { freshTopic, integrationEnv, uniqueName } from '@synthcall/testing';
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

  function budget(maxDailyCalls: number): KafkaCallBudget {
    const b = new KafkaCallBudget({
      brokers,
      clientId: uniqueName('it-budget'),
      codec,
      topic,
      maxDailyCalls,
      instanceId: uniqueName('replica'),
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
});
