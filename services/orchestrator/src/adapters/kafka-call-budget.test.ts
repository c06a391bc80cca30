import { type EventCodec, SchemaError, TOPICS } from '@synthcall/schemas';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { OrchestratorError } from '../errors.js';
import { KafkaCallBudget } from './kafka-call-budget.js';

// Start-up steps that never finish unless a test says so: the budget's shutdown must not depend on the broker's speed.
const never = () => new Promise<never>(() => {});
const now = new Date('2026-03-02T09:00:00.000Z');

/** A kafkajs client whose admin and consumer do only what each test lets them. */
function fakeKafka(
  behaviour: { adminConnect?: () => Promise<void>; consumerConnect?: () => Promise<void> } = {},
) {
  const admin = {
    connect: vi.fn(behaviour.adminConnect ?? (async () => {})),
    disconnect: vi.fn(async () => {}),
    fetchTopicOffsetsByTimestamp: vi.fn(async () => [{ partition: 0, offset: '0' }]),
    // Five claims on the topic that the reader must read through before it is ready.
    fetchTopicOffsets: vi.fn(async () => [{ partition: 0, offset: '5', low: '0', high: '5' }]),
  };
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: vi.fn(),
    seek: vi.fn(),
    connect: vi.fn(behaviour.consumerConnect ?? (async () => {})),
    subscribe: vi.fn(async () => {}),
    // Running, but the group join (and so every message) never comes.
    run: vi.fn(async () => {}),
    disconnect: vi.fn(async () => {}),
  };
  const kafka = {
    admin: vi.fn(() => admin as unknown as Admin),
    consumer: vi.fn(() => consumer as unknown as Consumer),
    producer: vi.fn(() => {
      throw new Error('no claim gets as far as the producer in these tests');
    }),
  };
  return { kafka, admin, consumer };
}

function budgetOn(kafka: ReturnType<typeof fakeKafka>['kafka']): KafkaCallBudget {
  return new KafkaCallBudget({
    brokers: ['127.0.0.1:1'],
    clientId: 'unit-budget',
    codec: {} as EventCodec,
    topic: TOPICS.callBudget,
    maxDailyCalls: 10,
    instanceId: 'unit',
    kafka: kafka as unknown as Kafka,
  });
}

/** Rejects if `promise` has not settled within `ms`: the old close() waited up to the 30 s read timeout. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectClosedFailure(claim: Promise<unknown>): Promise<void> {
  const error = await within(claim, 500).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OrchestratorError);
  expect(error).toMatchObject({ code: 'SYNTH_BUDGET_FAILED' });
  expect((error as Error).message).toMatch(/the call budget was closed/);
}

/** Lets the claim run until it blocks on the step the test holds back. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('KafkaCallBudget.close', () => {
  it('aborts a reader whose consumer is still connecting: the waiting claim fails as closed and the consumer is disconnected', async () => {
    const { kafka, consumer } = fakeKafka({ consumerConnect: never });
    const budget = budgetOn(kafka);
    const claim = budget.claim('call-0', now);
    claim.catch(() => {});
    await settle();
    expect(consumer.connect).toHaveBeenCalledOnce();

    await within(budget.close(), 500);
    await expectClosedFailure(claim);
    expect(consumer.disconnect).toHaveBeenCalled();
  });

  it('aborts a reader that joined no group yet, without waiting for the read timeout', async () => {
    const { kafka, consumer } = fakeKafka();
    const budget = budgetOn(kafka);
    const claim = budget.claim('call-0', now);
    claim.catch(() => {});
    await settle();
    expect(consumer.run).toHaveBeenCalledOnce();

    await within(budget.close(), 500);
    await expectClosedFailure(claim);
    expect(consumer.disconnect).toHaveBeenCalled();
  });

  it('does not wait for an admin client that is still connecting', async () => {
    const { kafka, admin } = fakeKafka({ adminConnect: never });
    const budget = budgetOn(kafka);
    const claim = budget.claim('call-0', now);
    claim.catch(() => {});
    await settle();
    expect(admin.connect).toHaveBeenCalledOnce();

    await within(budget.close(), 500);
    await expectClosedFailure(claim);
    expect(admin.disconnect).toHaveBeenCalled();
    expect(kafka.consumer).not.toHaveBeenCalled();
  });

  it('fails a claim made after close at once, without starting a reader', async () => {
    const { kafka } = fakeKafka();
    const budget = budgetOn(kafka);
    await budget.close();

    await expectClosedFailure(budget.claim('call-0', now));
    expect(kafka.admin).not.toHaveBeenCalled();
    expect(kafka.consumer).not.toHaveBeenCalled();
  });
});

describe('KafkaCallBudget reading claims', () => {
  it('reads a claim again, never skips it, when it fails to decode because the registry is unreachable', async () => {
    const { kafka, consumer } = fakeKafka();
    const outage = new SchemaError('SYNTH_DECODE_FAILED', 'cannot decode a CallBudgetClaim', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }),
    });
    const codec = { decode: vi.fn(async () => Promise.reject(outage)) } as unknown as EventCodec;
    const budget = new KafkaCallBudget({
      brokers: ['127.0.0.1:1'],
      clientId: 'unit-budget',
      codec,
      topic: TOPICS.callBudget,
      maxDailyCalls: 10,
      instanceId: 'unit',
      kafka: kafka as unknown as Kafka,
    });
    const claim = budget.claim('call-0', now);
    claim.catch(() => {});
    await settle();
    const run = consumer.run.mock.calls[0] as unknown as
      | [{ eachMessage: (p: { message: object }) => Promise<void> }]
      | undefined;
    const message = {
      offset: '0',
      timestamp: String(now.getTime()),
      key: null,
      value: Buffer.from([0, 0, 0, 0, 1]),
    };
    // kafkajs retries a message whose handler throws; a skipped claim would have been sent to the producer.
    await expect(run?.[0].eachMessage({ message })).rejects.toBe(outage);
    expect(kafka.producer).not.toHaveBeenCalled();
    await budget.close();
  });
});
