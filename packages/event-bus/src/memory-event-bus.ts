import { type BusMetrics, noopBusMetrics } from '@synthcall/metrics';
import {
  EventCodec,
  type EventSchemaName,
  type EventTypes,
  LocalSchemaRegistry,
  type TopicBinding,
  topicSpecs,
} from '@synthcall/schemas';
import {
  type AdapterContext,
  deadLetterTopic,
  deliver,
  type RawMessage,
  subscriptionContext,
} from './deliver.js';
import { BusError } from './errors.js';
import { partitionFor } from './partitioner.js';
import {
  type BusLogger,
  type EventBus,
  type SubscribeOptions,
  type Subscription,
  silentLogger,
} from './port.js';

interface Member {
  id: number;
  run: (msg: RawMessage) => Promise<void>;
}

interface Group {
  offsets: number[];
  members: Member[];
  pumps: Array<Promise<void> | undefined>;
}

/** A partition's log: `messages[i]` has offset `base + i` (`base` moves when consumed messages are dropped). */
interface Log {
  base: number;
  messages: RawMessage[];
}

interface Topic {
  partitions: Log[];
  groups: Map<string, Group>;
}

const end = (log: Log) => log.base + log.messages.length;

/** When each message was appended (Kafka's record timestamp), for `replayMs`. */
const publishedAt = new WeakMap<RawMessage, number>();

export interface MemoryEventBusOptions {
  /** Defaults to a LocalSchemaRegistry: the same Avro bytes and wire format as Kafka, in-process. */
  codec?: EventCodec;
  metrics?: BusMetrics;
  logger?: BusLogger;
  /** Partitions of topics not in the manifest (manifest topics keep their declared count). */
  defaultPartitions?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where undeliverable messages go; defaults to the manifest's dead-letters topic. */
  deadLetterTopic?: TopicBinding<'DeadLetter'>;
  /**
   * Drop a message once every consumer group of its topic has committed it (as if Kafka's retention were instant),
   * so a long run holds only messages still waiting for a consumer. Off by default: with it on, a group that
   * subscribes later with `fromBeginning` or `replayMs` starts at the oldest message still held, and `messages()`
   * lists only those. Topics no group has subscribed to keep every message.
   */
  dropConsumed?: boolean;
}

/**
 * The embedded bus: every service in one process, same codecs, same delivery rules as Kafka (per-key order through
 * partitions, commit after the handler, bounded retries, dead letters). Messages live in memory only.
 */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Topic>();
  private readonly codec: EventCodec;
  private readonly metrics: BusMetrics;
  private readonly logger: BusLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly declaredPartitions = new Map(topicSpecs().map((t) => [t.name, t.partitions]));
  private nextMember = 1;
  private closed = false;

  constructor(private readonly options: MemoryEventBusOptions = {}) {
    this.codec = options.codec ?? new EventCodec(new LocalSchemaRegistry());
    this.metrics = options.metrics ?? noopBusMetrics;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private topic(name: string): Topic {
    let t = this.topics.get(name);
    if (!t) {
      const n = this.declaredPartitions.get(name) ?? this.options.defaultPartitions ?? 3;
      t = { partitions: Array.from({ length: n }, () => ({ base: 0, messages: [] })), groups: new Map() };
      this.topics.set(name, t);
    }
    return t;
  }

  async publish<S extends EventSchemaName>(
    topic: TopicBinding<S>,
    key: string,
    value: EventTypes[S],
    headers: Record<string, string> = {},
  ): Promise<void> {
    if (this.closed)
      throw new BusError('SYNTH_BUS_CLOSED', `publish to ${topic.name} after the bus was closed`);
    const bytes = await this.codec.encode(topic, value);
    this.append(topic.name, Buffer.from(key), bytes, headers);
  }

  /** Appends bytes as they are, as a foreign producer could (tests use it to inject undecodable messages). */
  async sendRaw(
    topicName: string,
    key: string,
    value: Buffer | null,
    headers: Record<string, string> = {},
  ): Promise<void> {
    this.append(topicName, Buffer.from(key), value, headers);
  }

  private append(
    topicName: string,
    key: Buffer,
    value: Buffer | null,
    headers: Record<string, string>,
  ): void {
    const t = this.topic(topicName);
    const partition = partitionFor(key, t.partitions.length);
    const log = t.partitions[partition] as Log;
    const message: RawMessage = {
      topic: topicName,
      partition,
      offset: String(end(log)),
      key,
      value,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    };
    log.messages.push(message);
    publishedAt.set(message, Date.now());
    this.metrics.produced(topicName);
    for (const group of t.groups.values()) this.pump(t, group, partition);
  }

  private adapterContext(): AdapterContext {
    return {
      codec: this.codec,
      metrics: this.metrics,
      logger: this.logger,
      sleep: this.sleep,
      deadLetter: (key, letter) => this.publish(this.options.deadLetterTopic ?? deadLetterTopic, key, letter),
    };
  }

  async subscribe<S extends EventSchemaName>(options: SubscribeOptions<S>): Promise<Subscription> {
    if (this.closed) throw new BusError('SYNTH_BUS_CLOSED', `subscribe to ${options.topic.name} after close`);
    const t = this.topic(options.topic.name);
    let group = t.groups.get(options.group);
    if (!group) {
      group = {
        offsets: t.partitions.map((p) => (options.fromBeginning ? p.base : end(p))),
        members: [],
        pumps: t.partitions.map(() => undefined),
      };
      t.groups.set(options.group, group);
    }
    if (options.replayMs !== undefined) {
      const since = Date.now() - options.replayMs;
      const g = group;
      t.partitions.forEach((log, p) => {
        const first = log.messages.findIndex((m) => (publishedAt.get(m) ?? 0) >= since);
        const from = first === -1 ? end(log) : log.base + first;
        if (from < (g.offsets[p] as number)) g.offsets[p] = from;
      });
    }
    const ctx = subscriptionContext(options, this.adapterContext());
    const member: Member = {
      id: this.nextMember++,
      run: async (msg) => {
        await deliver(msg, ctx);
      },
    };
    group.members.push(member);
    const g = group;
    for (let p = 0; p < t.partitions.length; p++) this.pump(t, g, p);
    return {
      close: async () => {
        g.members = g.members.filter((m) => m !== member);
        await Promise.all(g.pumps);
      },
    };
  }

  /** One pump per (group, partition): messages of a partition are handled strictly one after another. */
  private pump(t: Topic, group: Group, partition: number): void {
    if (group.pumps[partition] || group.members.length === 0) return;
    const run = async () => {
      const log = t.partitions[partition] as Log;
      while (group.members.length > 0 && (group.offsets[partition] as number) < end(log)) {
        // Partition → member assignment by index, like a range assignor: stable while membership is stable.
        const member = group.members[partition % group.members.length] as Member;
        const msg = log.messages[(group.offsets[partition] as number) - log.base] as RawMessage;
        try {
          await member.run(msg);
        } catch (err) {
          // Only a failed dead letter gets here: stop this partition without committing, as Kafka would.
          this.logger.error(
            { topic: msg.topic, partition, err: (err as Error).message },
            'partition stopped',
          );
          return;
        }
        group.offsets[partition] = (group.offsets[partition] as number) + 1;
        if (this.options.dropConsumed) dropConsumed(t, log, partition);
      }
    };
    group.pumps[partition] = run().finally(() => {
      group.pumps[partition] = undefined;
      const log = t.partitions[partition] as Log;
      if (group.members.length > 0 && (group.offsets[partition] as number) < end(log))
        this.pump(t, group, partition);
    });
  }

  /** Resolves when every group has handled every message published so far (including ones published meanwhile). */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.topics.values()]
        .flatMap((t) => [...t.groups.values()].flatMap((g) => g.pumps))
        .filter(Boolean);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Messages currently stored in a topic, decoded bytes untouched (for tests and inspection). */
  messages(topicName: string): RawMessage[] {
    return (this.topics.get(topicName)?.partitions ?? []).flatMap((log) => log.messages);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.topics.values()) for (const g of t.groups.values()) g.members = [];
    await this.idle();
  }
}

/** Drops the head of a partition's log that every group of the topic has committed. */
function dropConsumed(t: Topic, log: Log, partition: number): void {
  let committed = Number.POSITIVE_INFINITY;
  for (const g of t.groups.values()) committed = Math.min(committed, g.offsets[partition] as number);
  const consumed = committed - log.base;
  if (consumed <= 0) return;
  // Dropping everything is the common case (consumers keep up); a partial drop is batched to keep splices rare.
  if (consumed === log.messages.length) log.messages = [];
  else if (consumed >= 64) log.messages.splice(0, consumed);
  else return;
  log.base = committed;
}
