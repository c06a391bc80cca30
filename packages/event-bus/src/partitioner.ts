import { Partitioners } from 'kafkajs';

const defaultPartitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<
  number,
  Array<{
    partitionId: number;
    leader: number;
    replicas: number[];
    isr: number[];
    partitionErrorCode: number;
  }>
>();

/** The partition Kafka's default (murmur2) partitioner picks for a key, so the embedded bus spreads keys alike. */
export function partitionFor(key: Buffer, partitions: number): number {
  let partitionMetadata = metadataCache.get(partitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    metadataCache.set(partitions, partitionMetadata);
  }
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
