import { randomUUID } from 'node:crypto';
import { type BusMetrics, noopBusMetrics } from '@synthcall/metrics';
import type { EventCodec, EventSchemaName, EventTypes, TopicBinding } from '@synthcall/schemas';
import {
  type Consumer,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  type Message,
  PartitionAssigners,
  type Producer,
} from 'kafkajs';
import { coPartitionAssigner } from './co-partition-assigner.js';
// Side effect: stops kafkajs's 1 ms polling of idle request queues (see the module).
import './kafkajs-request-queue.js';
import {
  type AdapterContext,
  deadLetterTopic,
  deliver,
  type RawMessage,
  subscriptionContext,
} from './deliver.js';
import { BusError } from './errors.js';
import {
  type BusLogger,
  type EventBus,
  type SubscribeOptions,
  type Subscription,
  silentLogger,
} from './port.js';

/** Routes kafkajs's own log lines (warn and error) into our logger, with its namespace and fields. */
export function kafkajsLogCreator(
  logger: BusLogger,
  fields: Record<string, unknown> = {},
): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      // kafkajs attaches a stack to every failed connection attempt; its message and broker say all a reader needs.
      const { message, stack: _stack, ...extra } = log;
      const entry = { kafkajs: namespace, ...fields, ...extra };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else logger.warn(entry, message);
    };
}

/** Most messages per produce request; bounds request size under a burst. */
const MAX_BATCH = 500;
/** Consumer heartbeat period, also while a handler runs (see eachMessage). */
const HEARTBEAT_INTERVAL_MS = 1_000;
/** Longest a single handler is kept alive by heartbeats (Kafka's max.poll.interval.ms default). */
const MAX_HANDLER_HEARTBEAT_MS = 300_000;

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Registry-backed codec (ConfluentSchemaRegistry): values are Confluent wire format Avro. */
  codec: EventCodec;
  metrics?: BusMetrics;
  logger?: BusLogger;
  /**
   * Longest a fetch waits for data. kafkajs defaults to 5 s; request-reply turns need tens of milliseconds
   * (performance-notes.md).
   */
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  /** Partitions of one subscription handled concurrently (order still holds within each partition). */
  partitionsConsumedConcurrently?: number;
  kafkaConfig?: Partial<KafkaConfig>;
  sleep?: (ms: number) => Promise<void>;
  /** Where undeliverable messages go; defaults to the manifest's dead-letters topic. */
  deadLetterTopic?: TopicBinding<'DeadLetter'>;
}

/**
 * The EventBus on Kafka through kafkajs. Kept behind the port so it can be swapped for
 * @confluentinc/kafka-javascript's KafkaJS-compatible API without touching a service.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly metrics: BusMetrics;
  private readonly logger: BusLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private producer?: Promise<Producer>;
  /** Identifies this process to the co-partition assigner: the same in every group it joins. */
  private readonly processKey = randomUUID();
  /** Each live subscription's close, so closing the bus also deletes the ephemeral groups. */
  private readonly subscriptions = new Set<() => Promise<void>>();
  private readonly outbox: Array<{
    topic: string;
    message: Message;
    resolve: () => void;
    reject: (err: unknown) => void;
  }> = [];
  private flushing = false;
  private closed = false;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.metrics = options.metrics ?? noopBusMetrics;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const logger = this.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: kafkajsLogCreator(logger),
      ...options.kafkaConfig,
    });
  }

  private getProducer(): Promise<Producer> {
    // A producer made after close (a reset racing it) would never be disconnected.
    if (this.closed)
      return Promise.reject(new BusError('SYNTH_BUS_CLOSED', 'publish after the bus was closed'));
    if (!this.producer) {
      const producer = this.kafka.producer({
        // Idempotence stops broker-side duplicates on retried sends; kafkajs requires one request in flight for it.
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => {
        this.producer = undefined;
      });
    }
    return this.producer;
  }

  async publish<S extends EventSchemaName>(
    topic: TopicBinding<S>,
    key: string,
    value: EventTypes[S],
    headers: Record<string, string> = {},
  ): Promise<void> {
    if (this.closed)
      throw new BusError('SYNTH_BUS_CLOSED', `publish to ${topic.name} after the bus was closed`);
    const bytes = await this.options.codec.encode(topic, value);
    await this.sendRaw(topic.name, key, bytes, headers);
  }

  /** Sends bytes as they are (no encoding): for dead letters of foreign producers and for tests. */
  sendRaw(
    topicName: string,
    key: string,
    value: Buffer | null,
    headers: Record<string, string> = {},
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outbox.push({ topic: topicName, message: { key, value, headers }, resolve, reject });
      void this.flush();
    });
  }

  /**
   * Natural batching: one request is in flight at a time (the idempotent producer needs that), and whatever was
   * published meanwhile goes out together in the next request. No linger, so an idle bus sends at once; a busy one
   * sends fewer, larger requests. Order per partition is kept: batches leave in publish order.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length > 0) {
        const batch = this.outbox.splice(0, MAX_BATCH);
        const byTopic = new Map<string, Message[]>();
        for (const item of batch) byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), item.message]);
        try {
          const send = async () =>
            (await this.getProducer()).sendBatch({
              acks: -1,
              topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
            });
          try {
            await send();
          } catch (cause) {
            // A broker restart can leave the idempotent producer's sequence numbers out of step with the broker's; a
            // producer in that state fails every later send. A new producer (a new producer id) starts afresh, once.
            if (!producerStateLost(cause)) throw cause;
            await this.resetProducer(cause);
            await send();
          }
        } catch (cause) {
          for (const item of batch) {
            item.reject(
              new BusError(
                'SYNTH_PUBLISH_FAILED',
                `publishing to ${item.topic} failed: ${(cause as Error).message}`,
                {
                  cause,
                },
              ),
            );
          }
          continue;
        }
        for (const [topic, messages] of byTopic) this.metrics.produced(topic, messages.length);
        for (const item of batch) item.resolve();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Drops the producer whose state the broker no longer accepts; the next send connects a new one. */
  private async resetProducer(cause: unknown): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    this.logger.warn(
      { err: cause },
      'the broker refused the producer state (after a broker restart?): sending again with a new producer',
    );
    const producer = await old?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private adapterContext(): AdapterContext {
    return {
      codec: this.options.codec,
      metrics: this.metrics,
      logger: this.logger,
      sleep: this.sleep,
      deadLetter: (key, letter) => this.publish(this.options.deadLetterTopic ?? deadLetterTopic, key, letter),
    };
  }

  async subscribe<S extends EventSchemaName>(options: SubscribeOptions<S>): Promise<Subscription> {
    if (this.closed) throw new BusError('SYNTH_BUS_CLOSED', `subscribe to ${options.topic.name} after close`);
    const consumer = this.kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 50,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      // Co-partitioned first; round robin second, so a replica of an older version can still join during a rollout.
      partitionAssigners: [coPartitionAssigner(this.processKey), PartitionAssigners.roundRobin],
      retry: { retries: 5 },
    });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        this.subscriptions.delete(close);
        await consumer.disconnect();
        if (options.ephemeral) await this.deleteGroup(options.group);
      })();
      return closing;
    };
    // Tracked before connecting, so closing the bus also stops a subscription that failed half way.
    this.subscriptions.add(close);
    const ctx = subscriptionContext(options, this.adapterContext());
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    if (options.replayMs !== undefined) {
      const replayMs = options.replayMs;
      const topic = options.topic.name;
      let generation = 0;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const partitions = payload.memberAssignment[topic] ?? [];
        const joined = ++generation;
        if (partitions.length === 0) return;
        // Paused synchronously, before the runner's first fetch: nothing newer is handled before the replayed window.
        consumer.pause([{ topic, partitions }]);
        const current = () => joined === generation && !this.closed;
        this.replay(consumer, topic, options.group, partitions, replayMs, current)
          .catch((err: unknown) =>
            this.logger.warn(
              { err, topic, group: options.group },
              'could not replay the recent messages; continuing from the committed offsets',
            ),
          )
          .finally(() => {
            // A newer join paused (and will resume) its own assignment; this one only resumes its own generation.
            if (current()) consumer.resume([{ topic, partitions }]);
          });
      });
    }
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic.name, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      // Offsets are resolved only when eachMessage returns, i.e. after the handler succeeded or the message was
      // dead-lettered; kafkajs commits resolved offsets every second and on rebalance. At-least-once.
      autoCommit: true,
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const raw: RawMessage = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).flatMap(([k, v]) =>
              v === undefined ? [] : [[k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]],
            ),
          ),
        };
        // kafkajs heartbeats only between messages. A handler may wait longer than the session timeout (the
        // orchestrator waiting for a call slot, retries with backoff): without heartbeats the broker would evict
        // this member, refuse its commit and hand the message to another member a second time.
        // Bounded: a handler that hangs stops heartbeating after MAX_HANDLER_HEARTBEAT_MS and is evicted like any dead
        // member, instead of holding its partition (and a rebalance) forever.
        const startedAt = Date.now();
        let warned = false;
        const beat = setInterval(() => {
          if (Date.now() - startedAt > MAX_HANDLER_HEARTBEAT_MS) {
            clearInterval(beat);
            this.logger.warn(
              { topic, partition, group: options.group, offset: message.offset },
              'handler still running after the heartbeat limit: letting the broker evict this member',
            );
            return;
          }
          heartbeat().catch((err: unknown) => {
            if (warned) return;
            warned = true;
            this.logger.warn(
              { err, topic, partition, group: options.group },
              'heartbeat during a long handler failed (a rebalance may follow)',
            );
          });
        }, HEARTBEAT_INTERVAL_MS);
        try {
          // A throw here (the dead letter could not be written) makes kafkajs retry the message: nothing is lost.
          await deliver(raw, ctx);
        } finally {
          clearInterval(beat);
        }
      },
    });
    await joined;
    return { close };
  }

  /** Seeks each partition back to its first message of the last `replayMs`, when the group committed past it. */
  private async replay(
    consumer: Consumer,
    topic: string,
    group: string,
    partitions: number[],
    replayMs: number,
    current: () => boolean,
  ): Promise<void> {
    // A few attempts: a replay given up loses the calls in flight, the very thing it is for.
    for (let attempt = 1; ; attempt++) {
      if (!current()) return;
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const since = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - replayMs);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        // A newer rebalance owns the partitions now: a seek from this one would wait in kafkajs for a later assignment.
        if (!current()) return;
        for (const partition of partitions) {
          const from = since.find((o) => o.partition === partition)?.offset;
          const at = committed?.partitions.find((o) => o.partition === partition)?.offset;
          // No commit yet: fromBeginning decides where the group starts, as without replay.
          if (from === undefined || at === undefined || at === '-1') continue;
          if (BigInt(from) < BigInt(at)) consumer.seek({ topic, partition, offset: from });
        }
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await this.sleep(250 * attempt);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
  }

  /** Best effort: a group that cannot be deleted now is expired by the broker later; a warning says which. */
  private async deleteGroup(group: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([group]);
    } catch (err) {
      this.logger.warn(
        { err, group },
        'could not delete a per-process consumer group; the broker expires it later',
      );
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((close) => close()));
    const producer = await this.producer?.catch(() => undefined);
    await producer?.disconnect();
  }
}

/** The broker's answers that mean this producer's idempotence state is gone or out of step: only a new one helps. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** Whether a send failed on one of PRODUCER_STATE_ERRORS, however kafkajs wrapped it (retries, causes). */
export function producerStateLost(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type)) return true;
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((x) => x !== error && producerStateLost(x, depth + 1));
}
