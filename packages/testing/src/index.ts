import { randomUUID } from 'node:crypto';
import { KafkaEventBus, type KafkaEventBusOptions } from '@synthcall/event-bus';
import {
  bindTopic,
  ConfluentSchemaRegistry,
  EventCodec,
  type EventSchemaName,
  type TopicBinding,
} from '@synthcall/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';

// Values the global setup provides to every integration test file.
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    schemaRegistryUrl: string;
    /** Where the broker came from: env, testcontainers or local-stack. */
    kafkaSource: string;
  }
}

/** The broker and registry the global setup provided. Call inside a test file of the integration project. */
export function integrationEnv(): { brokers: string; registryUrl: string; source: string } {
  return {
    brokers: inject('kafkaBrokers'),
    registryUrl: inject('schemaRegistryUrl'),
    source: inject('kafkaSource'),
  };
}

/** A name no other test or run uses, so tests never share topics, groups or subjects on a shared broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates topics (auto-creation is off on our brokers, as in production) and waits for their leaders. */
export async function createTopics(
  brokers: string,
  topics: Array<{ name: string; partitions?: number }>,
): Promise<void> {
  const admin = new Kafka({
    clientId: 'synthcall-test-admin',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions ?? 3, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** A fresh, created topic with a unique name, bound to a schema. */
export async function freshTopic<S extends EventSchemaName>(
  brokers: string,
  schema: S,
  partitions = 3,
): Promise<TopicBinding<S>> {
  const topic = bindTopic(schema, uniqueName(`it-${schema.toLowerCase()}`));
  await createTopics(brokers, [{ name: topic.name, partitions }]);
  return topic;
}

/** A KafkaEventBus on the integration broker and registry, with its own dead-letter topic. */
export async function kafkaBusForTest(overrides: Partial<KafkaEventBusOptions> = {}): Promise<{
  bus: KafkaEventBus;
  deadLetters: TopicBinding<'DeadLetter'>;
  brokers: string;
  registryUrl: string;
}> {
  const { brokers, registryUrl } = integrationEnv();
  const deadLetters = await freshTopic(brokers, 'DeadLetter', 1);
  const bus = new KafkaEventBus({
    brokers: brokers.split(','),
    clientId: uniqueName('it-client'),
    codec: new EventCodec(new ConfluentSchemaRegistry({ url: registryUrl })),
    deadLetterTopic: deadLetters,
    ...overrides,
  });
  return { bus, deadLetters, brokers, registryUrl };
}

export {
  createTestDatabase,
  findPostgresBinDir,
  startTestPostgres,
  type TestPostgres,
  TestPostgresError,
} from './postgres.js';
