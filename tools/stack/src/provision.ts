import { ConfluentSchemaRegistry, EventCodec, type TopicSpec, topicSpecs } from '@synthcall/schemas';
import { Kafka, logLevel } from 'kafkajs';

export interface ProvisionResult {
  created: string[];
  existing: string[];
  subjects: Array<{ subject: string; id: number }>;
}

/**
 * Creates the manifest's topics (existing ones are left alone) and registers every value schema with BACKWARD
 * compatibility. Safe to run any number of times.
 */
export async function provision(o: {
  brokers: string;
  registryUrl: string;
  replicationFactor?: number;
  topics?: TopicSpec[];
}): Promise<ProvisionResult> {
  const specs = o.topics ?? topicSpecs();
  const admin = new Kafka({
    clientId: 'synthcall-stack',
    brokers: o.brokers.split(','),
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: o.replicationFactor ?? 1,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const codec = new EventCodec(
      new ConfluentSchemaRegistry({ url: o.registryUrl, clientId: 'synthcall-stack' }),
    );
    const subjects: ProvisionResult['subjects'] = [];
    for (const t of specs) subjects.push({ subject: `${t.name}-value`, id: await codec.ensureRegistered(t) });
    return {
      created: missing.map((t) => t.name),
      existing: specs.filter((t) => existing.has(t.name)).map((t) => t.name),
      subjects,
    };
  } finally {
    await admin.disconnect();
  }
}

/** The partition count of each of `names` that exists on the broker (a missing topic is left out). */
export async function topicPartitions(brokers: string, names: string[]): Promise<Map<string, number>> {
  const admin = new Kafka({
    clientId: 'synthcall-stack',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = names.filter((n) => existing.has(n));
    if (wanted.length === 0) return new Map();
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
    return new Map(topics.map((t) => [t.name, t.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}
