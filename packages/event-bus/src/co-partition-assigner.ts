import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * A consumer-group assigner that gives partition `p` of every topic to the same process, in every group of that
 * process. The services subscribe one group per topic (calls, replies, call-events …), and the join of a call's events
 * needs all of them in one replica: with Kafka's default partitioner a callId lands on the same partition number in
 * each topic (all call topics have the same partition count), so aligning partition numbers across groups aligns
 * calls. kafkajs's round-robin assigner orders members by their broker-made member ids, which differ per group, so two
 * replicas could split one call's topics between them.
 *
 * Each member sends its process key (one per bus) as userData; members are ordered by it, and partition `p` goes to
 * member `p mod n`. The same processes in every group get the same order, hence the same partitions. During a
 * rebalance the groups move one after the other, so for a moment a call's topics can sit in two replicas (at-least-once
 * redelivery and idempotent handlers cover it).
 */
export function coPartitionAssigner(processKey: string): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'SynthcallCoPartition',
    version: 0,
    async assign({ members, topics }) {
      const ordered = members
        .map((m) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return {
            memberId: m.memberId,
            key: metadata?.userData.toString('utf8') ?? '',
            topics: new Set(metadata?.topics ?? []),
          };
        })
        .sort((a, b) =>
          a.key === b.key ? a.memberId.localeCompare(b.memberId) : a.key.localeCompare(b.key),
        );
      const assignment = new Map<string, Record<string, number[]>>(ordered.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        // Only the members that subscribed to the topic share it (they can differ for a moment during a rollout).
        const takers = ordered.filter((m) => m.topics.has(topic));
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const member = takers[partitionId % takers.length];
          if (!member) continue;
          const own = assignment.get(member.memberId) ?? {};
          own[topic] = [...(own[topic] ?? []), partitionId];
        }
      }
      return [...assignment].map(([memberId, topicsOf]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: topicsOf,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'SynthcallCoPartition',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.from(processKey, 'utf8'),
        }),
      };
    },
  });
}
