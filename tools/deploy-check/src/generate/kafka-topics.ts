import { type TopicSpec, topicSpecs } from '@synthcall/schemas';
import { stringify } from 'yaml';

/** The Strimzi cluster every overlay names its Kafka; the topic operator only watches topics labelled with it. */
export const KAFKA_CLUSTER = 'synthcall';

/** Where the generated topics live; `npm run generate -w @synthcall/deploy-check` rewrites it. */
export const KAFKA_TOPICS_FILE = 'deploy/k8s/base/kafka-topics.yaml';

/**
 * A Strimzi v1 KafkaTopic per topic of the manifest. Replication is 1 here (the dev cluster has one broker); the prod
 * overlay patches replicas and min.insync.replicas, so partitions and configs have one source.
 */
export function kafkaTopic(spec: TopicSpec): Record<string, unknown> {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      name: spec.name,
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'synthcall' },
      annotations: { 'synthcall.dev/value-schema': spec.schema, 'synthcall.dev/key': spec.key },
    },
    spec: { partitions: spec.partitions, replicas: 1, config: { ...spec.config } },
  };
}

export function renderKafkaTopics(specs: readonly TopicSpec[] = topicSpecs()): string {
  const header =
    '# GENERATED from schemas/src/topics.ts by `npm run generate -w @synthcall/deploy-check`. Do not edit by hand.\n';
  return header + specs.map((spec) => `---\n# ${spec.doc}\n${stringify(kafkaTopic(spec))}`).join('');
}
