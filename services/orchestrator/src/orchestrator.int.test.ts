import type { KafkaEventBus } from '@synthcall/event-bus';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import { defaultPersonas } from '@synthcall/personas';
import { type CallPlanned, ConfluentSchemaRegistry, EventCodec, type TopicBinding } from '@synthcall/schemas';
import { freshTopic, integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KafkaCallBudget } from './adapters/kafka-call-budget.js';
import type { ConferenceCreated } from './domain/ports.js';
import { orchestratorMetrics } from './metrics.js';
import { Orchestrator, type OrchestratorTopics } from './orchestrator.js';
import { FakeTelephony } from './testing/fake-telephony.js';
import { callRequest, testOrchestratorSettings } from './testing/harness.js';

interface Replica {
  bus: KafkaEventBus;
  budget: KafkaCallBudget;
  telephony: FakeTelephony;
  registry: Registry;
  orchestrator: Orchestrator;
}

const replicas: Replica[] = [];

/** Closed after the tests; a crashed replica's are closed by the test that crashes it. */
const closers: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const r of replicas.splice(0)) {
    await r.orchestrator.stop();
    await r.budget.close();
    await r.bus.close();
  }
  for (const close of closers.splice(0).reverse()) await close();
});

async function rejected(registry: Registry, reason: string): Promise<number> {
  const values = (await registry.getSingleMetric('synthcall_calls_rejected_total')?.get())?.values ?? [];
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** One orchestrator replica on the broker: its own Kafka budget client and metrics, sharing group and topics. */
function kafkaReplica(options: {
  name: string;
  bus: KafkaEventBus;
  telephony: FakeTelephony;
  topics: OrchestratorTopics;
  budgetTopic: TopicBinding<'CallBudgetClaim'>;
  group: string;
  cap: number;
}): { budget: KafkaCallBudget; registry: Registry; orchestrator: Orchestrator } {
  const { brokers, registryUrl } = integrationEnv();
  const { name, bus, telephony, topics, budgetTopic, group, cap } = options;
  const budget = new KafkaCallBudget({
    brokers: brokers.split(','),
    clientId: uniqueName(`it-${name}`),
    codec: new EventCodec(new ConfluentSchemaRegistry({ url: registryUrl })),
    topic: budgetTopic,
    maxDailyCalls: cap,
    instanceId: name,
  });
  const registry = createMetricsRegistry({ service: 'orchestrator', version: 'it', defaultMetrics: false });
  const orchestrator = new Orchestrator({
    bus,
    personas: defaultPersonas(),
    telephony,
    budget,
    clock: { now: () => new Date() },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    metrics: orchestratorMetrics(registry),
    ...testOrchestratorSettings(),
    instanceId: uniqueName(name),
    topics,
    group,
  });
  return { budget, registry, orchestrator };
}

describe('two orchestrator replicas on a real broker', () => {
  it('share the consumer group and the daily cap: no more calls than the cap in total', async () => {
    const { brokers } = integrationEnv();
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
      const telephony = new FakeTelephony();
      const { budget, registry, orchestrator } = kafkaReplica({
        name,
        bus,
        telephony,
        topics,
        budgetTopic,
        group,
        cap,
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

/** Twilio as a process that dies while dialling sees it: the conference is never created and the call never returns. */
class DyingTelephony extends FakeTelephony {
  private died = () => {};
  readonly dead = new Promise<void>((resolve) => {
    this.died = resolve;
  });

  override createConference(): Promise<ConferenceCreated> {
    this.died();
    return new Promise(() => {});
  }
}

describe('an orchestrator that crashes after claiming a call, on a real broker', () => {
  it('its replacement in the group re-reads the request, reuses the claim and plans the call once', async () => {
    const { brokers } = integrationEnv();
    const topics: OrchestratorTopics = {
      requests: await freshTopic(brokers, 'CallRequested', 1),
      calls: await freshTopic(brokers, 'CallPlanned', 1),
      callEvents: await freshTopic(brokers, 'CallLifecycle', 1),
    };
    const budgetTopic: TopicBinding<'CallBudgetClaim'> = await freshTopic(brokers, 'CallBudgetClaim', 1);
    const group = uniqueName('it-orchestrator');
    const cap = 2;
    const request = callRequest({ requestId: uniqueName('crash'), count: cap });

    const replica = (name: string, telephony: FakeTelephony, bus: KafkaEventBus) =>
      kafkaReplica({ name, bus, telephony, topics, budgetTopic, group, cap });

    // The group has consumed everything before the request.
    const admin = new Kafka({
      clientId: uniqueName('it-admin'),
      brokers: brokers.split(','),
      logLevel: logLevel.WARN,
    }).admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic: topics.requests.name,
      partitions: [{ partition: 0, offset: '0' }],
    });
    await admin.disconnect();
    const { bus: busA } = await kafkaBusForTest();
    await busA.publish(topics.requests, request.requestId, request);

    // Replica A is handed the request, claims the first call, publishes its CallPlanned and dies while dialling:
    // nothing is committed, which for the group is the same as the request never having been delivered.
    const telephonyA = new DyingTelephony();
    const a = replica('replica-a', telephonyA, busA);
    void a.orchestrator.handleRequest(request);
    await telephonyA.dead;
    await a.budget.close();
    await busA.close();

    // Replica B joins the group, gets the uncommitted request again and handles all of it.
    const { bus: busB } = await kafkaBusForTest();
    const telephonyB = new FakeTelephony();
    const b = replica('replica-b', telephonyB, busB);
    closers.push(
      () => busB.close(),
      () => b.budget.close(),
      () => b.orchestrator.stop(),
    );
    const plannedEvents: CallPlanned[] = [];
    await busB.subscribe({
      topic: topics.calls,
      group: uniqueName('it-calls-reader'),
      fromBeginning: true,
      handler: async ({ value }) => {
        plannedEvents.push(value);
      },
    });
    await b.orchestrator.start();

    const callIds = [`${request.requestId}-0000`, `${request.requestId}-0001`];
    await vi.waitFor(
      async () => {
        const settled = telephonyB.created.length + (await rejected(b.registry, 'daily_cap'));
        expect(settled).toBe(cap);
      },
      { timeout: 45_000, interval: 200 },
    );
    // The replayed claim took the slot it already had: both calls of a cap-2 request fit.
    expect(telephonyB.created.map((c) => c.callId)).toEqual(callIds);
    expect(await rejected(b.registry, 'daily_cap')).toBe(0);
    await vi.waitFor(() => expect(plannedEvents).toHaveLength(3), { timeout: 15_000, interval: 100 });
    // A's CallPlanned and B's are one event to consumers: same eventId, same callId, same pair.
    expect([...new Set(plannedEvents.map((e) => e.eventId))].sort()).toEqual(
      callIds.map((id) => `${id}:planned`),
    );
    const first = plannedEvents.filter((e) => e.callId === callIds[0]);
    expect(first).toHaveLength(2);
    expect(new Set(first.map((e) => `${e.customer.id}|${e.agent.id}|${e.seed}`)).size).toBe(1);

    // Any replica counts the day as two calls, not three.
    const c = replica('replica-c', new FakeTelephony(), busB);
    closers.push(() => c.budget.close());
    expect(await c.budget.claim(uniqueName('later-call'), new Date())).toMatchObject({
      rank: 2,
      granted: false,
    });
  });
});

/** Twilio as a replica that dies after placing `placeBeforeDying` calls sees it: the next call never returns. */
class DiesAfter extends FakeTelephony {
  private died = () => {};
  readonly dead = new Promise<void>((resolve) => {
    this.died = resolve;
  });

  constructor(private readonly placeBeforeDying: number) {
    super();
  }

  override createConference(
    ...args: Parameters<FakeTelephony['createConference']>
  ): Promise<ConferenceCreated> {
    if (this.created.length < this.placeBeforeDying) return super.createConference(...args);
    this.died();
    return new Promise(() => {});
  }
}

/** The same Twilio account seen from another replica: conferences the first one created exist here too. */
class SameAccount extends FakeTelephony {
  constructor(private readonly other: FakeTelephony) {
    super();
  }

  override async conferenceExists(conferenceName: string): Promise<boolean> {
    return (
      (await super.conferenceExists(conferenceName)) ||
      this.other.created.some((c) => c.conferenceName === conferenceName)
    );
  }
}

describe('an orchestrator restarted during a request, on a partition its group never committed', () => {
  it('reads the request from the earliest record and places only the calls not placed yet', async () => {
    const { brokers } = integrationEnv();
    const topics: OrchestratorTopics = {
      requests: await freshTopic(brokers, 'CallRequested', 1),
      calls: await freshTopic(brokers, 'CallPlanned', 1),
      callEvents: await freshTopic(brokers, 'CallLifecycle', 1),
    };
    const budgetTopic: TopicBinding<'CallBudgetClaim'> = await freshTopic(brokers, 'CallBudgetClaim', 1);
    // A group that never committed anything: the partition holding the request has no offset for it.
    const group = uniqueName('it-orchestrator');
    const request = callRequest({ requestId: uniqueName('restart'), count: 5 });
    const replica = (name: string, telephony: FakeTelephony, bus: KafkaEventBus) =>
      kafkaReplica({ name, bus, telephony, topics, budgetTopic, group, cap: 100 });

    // The first orchestrator is handed the request, places two of its five calls and dies before committing.
    const { bus: busA } = await kafkaBusForTest();
    await busA.publish(topics.requests, request.requestId, request);
    const twilioA = new DiesAfter(2);
    const a = replica('replica-a', twilioA, busA);
    void a.orchestrator.handleRequest(request);
    await twilioA.dead;
    await a.budget.close();
    await busA.close();

    // Its replacement joins the same group after the request was written.
    const { bus: busB } = await kafkaBusForTest();
    const twilioB = new SameAccount(twilioA);
    const b = replica('replica-b', twilioB, busB);
    closers.push(
      () => busB.close(),
      () => b.budget.close(),
      () => b.orchestrator.stop(),
    );
    await b.orchestrator.start();

    const ids = (from: number, to: number) =>
      Array.from(
        { length: to - from },
        (_, i) => `${request.requestId}-${String(from + i).padStart(4, '0')}`,
      );
    await vi.waitFor(() => expect(twilioB.created).toHaveLength(3), { timeout: 30_000, interval: 200 });
    expect(twilioA.created.map((c) => c.callId)).toEqual(ids(0, 2));
    expect(twilioB.created.map((c) => c.callId)).toEqual(ids(2, 5));
    expect(await rejected(b.registry, 'duplicate')).toBe(2);
  });
});
