import { createServer, type Server } from 'node:http';
import { type Admin, Kafka, logLevel } from 'kafkajs';

/**
 * A stand-in for danielqsj/kafka_exporter, the exporter Strimzi's `spec.kafkaExporter` deploys: the Go module proxy
 * refuses every version of github.com/danielqsj/kafka_exporter here, so the end-to-end check cannot run the real
 * binary. This serves the same metric names with the same label names and meanings (per partition, per topic and
 * per consumer group, all gauges) from the broker's own answers, so the Topics panels are evaluated against real
 * offsets and lag. What it does not prove is anything the real binary adds or does differently (its
 * `--kafka.version` negotiation with Kafka 4, label quirks of a given release).
 */
export interface KafkaExporterOptions {
  brokers: string[];
  /** Like kafka_exporter's `--topic.filter` (Strimzi's `topicRegex`). */
  topicFilter: RegExp;
  /** Like kafka_exporter's `--group.filter` (Strimzi's `groupRegex`). */
  groupFilter: RegExp;
  /** The loopback port to listen on; 0 (the default) takes a free one. */
  port?: number;
}

export interface RunningKafkaExporter {
  /** host:port to scrape (`/metrics`). */
  target: string;
  stop(): Promise<void>;
}

type Labels = Record<string, string>;
interface Family {
  help: string;
  samples: { labels: Labels; value: number }[];
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition (format 0.0.4) of gauge families. */
export function exposition(families: ReadonlyMap<string, Family>): string {
  const lines: string[] = [];
  for (const [name, family] of families) {
    lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} gauge`);
    for (const { labels, value } of family.samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The admin calls one collection makes. */
export type ClusterReader = Pick<
  Admin,
  | 'describeCluster'
  | 'listTopics'
  | 'fetchTopicMetadata'
  | 'fetchTopicOffsets'
  | 'listGroups'
  | 'describeGroups'
  | 'fetchOffsets'
>;

/** Reads the cluster once and returns the families kafka_exporter would export for it. */
export async function collect(
  admin: ClusterReader,
  o: Pick<KafkaExporterOptions, 'topicFilter' | 'groupFilter'>,
): Promise<Map<string, Family>> {
  const families = new Map<string, Family>();
  const add = (name: string, help: string, labels: Labels, value: number) => {
    let family = families.get(name);
    if (!family) {
      family = { help, samples: [] };
      families.set(name, family);
    }
    family.samples.push({ labels, value });
  };
  const cluster = await admin.describeCluster();
  add('kafka_brokers', 'Number of Brokers in the Kafka Cluster.', {}, cluster.brokers.length);

  const topics = (await admin.listTopics()).filter((t) => o.topicFilter.test(t)).sort();
  const metadata = topics.length ? (await admin.fetchTopicMetadata({ topics })).topics : [];
  const highWater = new Map<string, number>();
  for (const topic of metadata) {
    add(
      'kafka_topic_partitions',
      'Number of partitions for this Topic',
      { topic: topic.name },
      topic.partitions.length,
    );
    const offsets = await admin.fetchTopicOffsets(topic.name);
    for (const p of topic.partitions) {
      const labels = { topic: topic.name, partition: String(p.partitionId) };
      const at = offsets.find((x) => x.partition === p.partitionId);
      const high = Number(at?.high ?? 0);
      highWater.set(`${topic.name}/${p.partitionId}`, high);
      add(
        'kafka_topic_partition_current_offset',
        'Current Offset of a Broker at Topic/Partition',
        labels,
        high,
      );
      add(
        'kafka_topic_partition_oldest_offset',
        'Oldest Offset of a Broker at Topic/Partition',
        labels,
        Number(at?.low ?? 0),
      );
      add('kafka_topic_partition_leader', 'Leader Broker ID of this Topic/Partition', labels, p.leader);
      add(
        'kafka_topic_partition_replicas',
        'Number of Replicas for this Topic/Partition',
        labels,
        p.replicas.length,
      );
      add(
        'kafka_topic_partition_in_sync_replica',
        'Number of In-Sync Replicas for this Topic/Partition',
        labels,
        p.isr.length,
      );
      add(
        'kafka_topic_partition_leader_is_preferred',
        '1 if Topic/Partition is using the Preferred Broker',
        labels,
        p.replicas[0] === p.leader ? 1 : 0,
      );
      add(
        'kafka_topic_partition_under_replicated_partition',
        '1 if Topic/Partition is under Replicated',
        labels,
        p.isr.length < p.replicas.length ? 1 : 0,
      );
    }
  }

  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => o.groupFilter.test(g));
  if (groups.length === 0 || topics.length === 0) return families;
  const described = await admin.describeGroups(groups);
  for (const group of described.groups) {
    add(
      'kafka_consumergroup_members',
      'Amount of members in a consumer group',
      { consumergroup: group.groupId },
      group.members.length,
    );
  }
  for (const groupId of groups.sort()) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      let offsetSum = 0;
      let lagSum = 0;
      let committed = 0;
      for (const { partition, offset } of partitions) {
        // -1: the group never committed here (it does not consume this topic); nothing to report.
        if (Number(offset) < 0) continue;
        const labels = { consumergroup: groupId, topic, partition: String(partition) };
        const current = Number(offset);
        const lag = (highWater.get(`${topic}/${partition}`) ?? current) - current;
        add(
          'kafka_consumergroup_current_offset',
          'Current Offset of a ConsumerGroup at Topic/Partition',
          labels,
          current,
        );
        add(
          'kafka_consumergroup_lag',
          'Current Approximate Lag of a ConsumerGroup at Topic/Partition',
          labels,
          lag,
        );
        offsetSum += current;
        lagSum += lag;
        committed++;
      }
      if (committed === 0) continue;
      const labels = { consumergroup: groupId, topic };
      add(
        'kafka_consumergroup_current_offset_sum',
        'Current Offset of a ConsumerGroup at Topic for all partitions',
        labels,
        offsetSum,
      );
      add(
        'kafka_consumergroup_lag_sum',
        'Current Approximate Lag of a ConsumerGroup at Topic for all partitions',
        labels,
        lagSum,
      );
    }
  }
  return families;
}

/** Starts the stand-in on a loopback port (a free one unless `o.port`); each scrape reads the cluster afresh, as kafka_exporter does. */
export async function startKafkaExporter(o: KafkaExporterOptions): Promise<RunningKafkaExporter> {
  const admin = new Kafka({
    brokers: o.brokers,
    clientId: 'deploy-check-kafka-exporter',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    collect(admin, o).then(
      (families) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(families));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('kafka-exporter stand-in: no port');
  return {
    target: `127.0.0.1:${address.port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await admin.disconnect();
    },
  };
}
