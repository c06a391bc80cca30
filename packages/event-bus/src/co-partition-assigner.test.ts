import { AssignerProtocol, type Cluster } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coPartitionAssigner } from './co-partition-assigner.js';

const cluster = (partitions: Record<string, number>) =>
  ({
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: partitions[topic] ?? 0 }, (_, partitionId) => ({ partitionId })),
  }) as unknown as Cluster;

const member = (memberId: string, processKey: string, topics: string[]) => ({
  memberId,
  memberMetadata: coPartitionAssigner(processKey)({
    cluster: cluster({}),
    groupId: 'g',
    logger: undefined as never,
  }).protocol({ topics }).metadata,
});

async function assign(
  members: ReturnType<typeof member>[],
  topics: string[],
  counts: Record<string, number>,
) {
  const assigner = coPartitionAssigner('leader')({
    cluster: cluster(counts),
    groupId: 'g',
    logger: undefined as never,
  });
  const result = await assigner.assign({ members, topics });
  return Object.fromEntries(
    result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
  );
}

describe('coPartitionAssigner', () => {
  it('gives partition p to the same process whatever member ids the broker made for the group', async () => {
    // The same two processes in two groups, with member ids that sort the other way round in the second.
    const first = await assign(
      [member('m-1', 'proc-a', ['calls']), member('m-2', 'proc-b', ['calls'])],
      ['calls'],
      {
        calls: 6,
      },
    );
    const second = await assign(
      [member('z-1', 'proc-a', ['replies']), member('a-2', 'proc-b', ['replies'])],
      ['replies'],
      { replies: 6 },
    );
    expect(first).toEqual({ 'm-1': { calls: [0, 2, 4] }, 'm-2': { calls: [1, 3, 5] } });
    expect(second).toEqual({ 'z-1': { replies: [0, 2, 4] }, 'a-2': { replies: [1, 3, 5] } });
  });

  it('shares a topic only among the members that subscribed to it', async () => {
    const result = await assign(
      [member('m-1', 'proc-a', ['calls', 'replies']), member('m-2', 'proc-b', ['calls'])],
      ['calls', 'replies'],
      { calls: 2, replies: 2 },
    );
    expect(result).toEqual({ 'm-1': { calls: [0], replies: [0, 1] }, 'm-2': { calls: [1] } });
  });
});
