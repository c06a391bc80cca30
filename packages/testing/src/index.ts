import { randomUUID } from 'node:crypto';
import { type BusOptions, busFromConfig, type KafkaEventBus } from '@synthcall/event-bus';
import { bindTopic, type EventSchemaName, type TopicBinding } from '@synthcall/schemas';
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
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions ?? 3,
          replicationFactor: 1,
        })),
      });
    } catch (err) {
      // Under load the leader wait can ask a broker that has not loaded the new partitions yet ("This server does not
      // host this topic-partition") although the topics were created: wait for their leaders here instead.
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
    }
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
        const ready = topics.every((t) => {
          const meta = found.find((f) => f.name === t.name);
          return (
            meta?.partitions.length === (t.partitions ?? 3) && meta.partitions.every((p) => p.leader >= 0)
          );
        });
        if (ready) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline)
        throw new Error(`topics ${topics.map((t) => t.name).join(', ')} have no leaders after 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
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

/** A Kafka bus (built by `busFromConfig`, as the services build theirs) on the integration broker and registry, with its own dead-letter topic. */
export async function kafkaBusForTest(overrides: Partial<BusOptions> = {}): Promise<{
  bus: KafkaEventBus;
  deadLetters: TopicBinding<'DeadLetter'>;
  brokers: string;
  registryUrl: string;
}> {
  const { brokers, registryUrl } = integrationEnv();
  const deadLetters = await freshTopic(brokers, 'DeadLetter', 1);
  const bus = busFromConfig(
    { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: brokers.split(','), SCHEMA_REGISTRY_URL: registryUrl },
    { clientId: uniqueName('it-client'), deadLetterTopic: deadLetters, ...overrides },
  );
  return { bus, deadLetters, brokers, registryUrl };
}

export { startTestModel, type TestModel } from './model.js';
export {
  createTestDatabase,
  findPostgresBinDir,
  startTestPostgres,
  type TestPostgres,
  TestPostgresError,
} from './postgres.js';
