import { describe, expect, it } from 'vitest';
import { type ClusterReader, collect, exposition } from './kafka-exporter.js';

// A broker with one topic of two partitions (high watermarks 10 and 4), a filtered-out topic, and two groups: one
// that committed 7 on partition 0 and 4 on partition 1, one that never committed on `calls`.
const cluster = {
  describeCluster: async () => ({
    brokers: [{ nodeId: 1, host: 'b', port: 9092 }],
    controller: 1,
    clusterId: 'c',
  }),
  listTopics: async () => ['calls', '__consumer_offsets'],
  fetchTopicMetadata: async () => ({
    topics: [
      {
        name: 'calls',
        partitions: [
          {
            partitionErrorCode: 0,
            partitionId: 0,
            leader: 1,
            replicas: [1, 2],
            isr: [1, 2],
            offlineReplicas: [],
          },
          {
            partitionErrorCode: 0,
            partitionId: 1,
            leader: 2,
            replicas: [1, 2],
            isr: [2],
            offlineReplicas: [],
          },
        ],
      },
    ],
  }),
  fetchTopicOffsets: async () => [
    { partition: 0, offset: '10', high: '10', low: '2' },
    { partition: 1, offset: '4', high: '4', low: '0' },
  ],
  listGroups: async () => ({
    groups: [
      { groupId: 'analytics-sink-calls', protocolType: 'consumer' },
      { groupId: 'conversation-engine-calls', protocolType: 'consumer' },
      { groupId: 'someone-else', protocolType: 'consumer' },
    ],
  }),
  describeGroups: async (ids: string[]) => ({
    groups: ids.map((groupId) => ({
      groupId,
      members: [{}, {}],
      state: 'Stable',
      protocol: '',
      protocolType: '',
      errorCode: 0,
    })),
  }),
  fetchOffsets: async ({ groupId }: { groupId: string }) => [
    {
      topic: 'calls',
      partitions:
        groupId === 'analytics-sink-calls'
          ? [
              { partition: 0, offset: '7', metadata: null },
              { partition: 1, offset: '4', metadata: null },
            ]
          : [
              { partition: 0, offset: '-1', metadata: null },
              { partition: 1, offset: '-1', metadata: null },
            ],
    },
  ],
} as unknown as ClusterReader;

const filters = { topicFilter: /^calls$/, groupFilter: /^(analytics-sink|conversation-engine)(-|$)/ };

describe('the kafka-exporter stand-in', () => {
  it("reports lag per partition as the partition's end offset minus the group's committed offset, and their sums", async () => {
    const families = await collect(cluster, filters);
    expect(families.get('kafka_consumergroup_lag')?.samples).toEqual([
      { labels: { consumergroup: 'analytics-sink-calls', topic: 'calls', partition: '0' }, value: 3 },
      { labels: { consumergroup: 'analytics-sink-calls', topic: 'calls', partition: '1' }, value: 0 },
    ]);
    expect(families.get('kafka_consumergroup_lag_sum')?.samples).toEqual([
      { labels: { consumergroup: 'analytics-sink-calls', topic: 'calls' }, value: 3 },
    ]);
    expect(families.get('kafka_consumergroup_current_offset_sum')?.samples).toEqual([
      { labels: { consumergroup: 'analytics-sink-calls', topic: 'calls' }, value: 11 },
    ]);
  });

  it('reports topics and groups only through their filters, and partitions with their offsets and replicas', async () => {
    const families = await collect(cluster, filters);
    expect(families.get('kafka_topic_partitions')?.samples).toEqual([
      { labels: { topic: 'calls' }, value: 2 },
    ]);
    expect(families.get('kafka_topic_partition_current_offset')?.samples.map((s) => s.value)).toEqual([
      10, 4,
    ]);
    expect(families.get('kafka_topic_partition_oldest_offset')?.samples.map((s) => s.value)).toEqual([2, 0]);
    expect(
      families.get('kafka_topic_partition_under_replicated_partition')?.samples.map((s) => s.value),
    ).toEqual([0, 1]);
    expect(families.get('kafka_topic_partition_leader_is_preferred')?.samples.map((s) => s.value)).toEqual([
      1, 0,
    ]);
    expect(families.get('kafka_consumergroup_members')?.samples.map((s) => s.labels.consumergroup)).toEqual([
      'analytics-sink-calls',
      'conversation-engine-calls',
    ]);
    expect(families.get('kafka_brokers')?.samples).toEqual([{ labels: {}, value: 1 }]);
  });

  it('writes the text exposition format with escaped label values', () => {
    const text = exposition(
      new Map([
        ['kafka_consumergroup_lag', { help: 'Lag', samples: [{ labels: { topic: 'a"b\\c' }, value: 3 }] }],
      ]),
    );
    expect(text).toBe(
      '# HELP kafka_consumergroup_lag Lag\n# TYPE kafka_consumergroup_lag gauge\nkafka_consumergroup_lag{topic="a\\"b\\\\c"} 3\n',
    );
  });
});
