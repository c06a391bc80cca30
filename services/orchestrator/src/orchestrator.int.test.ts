import type { KafkaEventBus } from '@synthcall/event-bus';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import { defaultPersonas } from '@synthcall/personas';
import { ConfluentSchemaRegistry, EventCodec, type TopicBinding } from '@synthcall/schemas';
import { freshTopic, integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KafkaCallBudget } from './adapters/kafka-call-budget.js';
import { orchestratorMetrics } from './metrics.js';
import { Orchestrator, type OrchestratorTopics } from './orchestrator.js';
import { FakeTelephony } from './testing/fake-telephony.js';
import { callRequest, silentLogger, testConference } from './testing/harness.js';

interface Replica {
  bus: KafkaEventBus;
  budget: KafkaCallBudget;
  telephony: FakeTelephony;
  registry: Registry;
  orchestrator: Orchestrator;
}

const replicas: Replica[] = [];

afterAll(async () => {
  for (const r of replicas.splice(0)) {
    await r.orchestrator.stop();
    await r.budget.close();
    await r.bus.close();
  }
});

async function rejected(registry: Registry, reason: string): Promise<number> {
  const values = (await registry.getSingleMetric('synthcall_calls_rejected_total')?.get())?.values ?? [];
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('two orchestrator replicas on a real broker', () => {
  it('share the consumer group and the daily cap: no more calls than the cap in total', async () => {
    const { brokers, registryUrl } = integrationEnv();
    const topics: OrchestratorTopics = {
      requests: await freshTopic(brokers, 'CallRequested', 3),
      calls: await freshTopic(brokers, 'CallPlanned', 3),
      callEvents: await freshTopic(brokers, 'CallLifecycle', 3),
    };
    const budgetTopic: TopicBinding<'CallBudgetClaim'> = await freshTopic(brokers, 'CallBudgetClaim', 1);
    const group = uniqueName('it-orchestrator');
    const cap = 4;

    for (const name of ['replica-a', 'replica-b']) {
      const { bus } = await kafkaBusForTest();
      const budget = new KafkaCallBudget({
        brokers: brokers.split(','),
        clientId: uniqueName(`it-${name}`),
        codec: new EventCodec(new ConfluentSchemaRegistry({ url: registryUrl })),
        topic: budgetTopic,
        maxDailyCalls: cap,
        instanceId: name,
      });
      const registry = createMetricsRegistry({
        service: 'orchestrator',
        version: 'it',
        defaultMetrics: false,
      });
      const telephony = new FakeTelephony();
      const orchestrator = new Orchestrator({
        bus,
        personas: defaultPersonas(),
        telephony,
        budget,
        clock: { now: () => new Date() },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        logger: silentLogger(),
        metrics: orchestratorMetrics(registry),
        conference: testConference,
        callMode: 'simulated',
        twilioCps: 0,
        maxConcurrentCalls: 0,
        instanceId: uniqueName(name),
        topics,
        group,
      });
      await orchestrator.start();
      replicas.push({ bus, budget, telephony, registry, orchestrator });
    }

    const producer = replicas[0]?.bus as KafkaEventBus;
    for (const requestId of ['it-r1', 'it-r2', 'it-r3']) {
      await producer.publish(topics.requests, requestId, callRequest({ requestId, count: 3 }));
    }

    // 9 calls asked for: every one is either placed or refused by the cap, on whichever replica got its request.
    await vi.waitFor(
      async () => {
        let settled = 0;
        for (const r of replicas)
          settled += r.telephony.created.length + (await rejected(r.registry, 'daily_cap'));
        expect(settled).toBe(9);
      },
      { timeout: 45_000, interval: 200 },
    );
    const placed = replicas.flatMap((r) => r.telephony.created.map((c) => c.callId));
    expect(placed).toHaveLength(cap);
    expect(new Set(placed).size).toBe(cap);
  });
});
