import { type BusLogger, kafkajsLogCreator, silentLogger } from '@synthcall/event-bus';
import type { EventCodec, TopicBinding } from '@synthcall/schemas';
import { type Admin, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type BudgetDecision, type CallBudget, utcDay, utcMidnight } from '../domain/ports.js';
import { OrchestratorError } from '../errors.js';

export interface KafkaCallBudgetOptions {
  brokers: string[];
  clientId: string;
  /** Registry-backed codec: claims are CallBudgetClaim Avro in the Confluent wire format, like every topic. */
  codec: EventCodec;
  /** The one-partition call-budget topic (TOPICS.callBudget, or a unique one in tests). */
  topic: TopicBinding<'CallBudgetClaim'>;
  maxDailyCalls: number;
  /** Written into each claim for audit. */
  instanceId: string;
  /** Where kafkajs warnings and errors go (the service's logger); silent when omitted. */
  logger?: BusLogger;
  kafkaConfig?: Partial<KafkaConfig>;
}

/**
 * The daily budget on Kafka. A claim is a message on a single-partition topic; the offset the broker assigns is
 * the claim's place in a total order shared by every replica, and it survives restarts. So
 * `rank = claimOffset − first offset of the UTC day` is computed without any lock, and the claim is granted iff
 * rank < MAX_DAILY_CALLS. The topic uses LogAppendTime, so broker timestamps grow with offsets and the first offset
 * of the day (ListOffsets by timestamp at UTC midnight) is exact.
 *
 * A claim replayed after a crash (same callId, new process) takes a second slot: the count errs towards fewer calls,
 * never more.
 */
export class KafkaCallBudget implements CallBudget {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly decided = new Map<string, BudgetDecision>();
  private dayStart?: { day: string; offset: bigint };

  constructor(private readonly options: KafkaCallBudgetOptions) {
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: kafkajsLogCreator(logger ?? silentLogger, { component: 'call-budget' }),
      ...options.kafkaConfig,
    });
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // One partition: the partitioner never matters; naming it silences kafkajs's v2 migration warning.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => {
        this.producer = undefined;
      });
    }
    return this.producer;
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }

  async claim(callId: string, at: Date): Promise<BudgetDecision> {
    const day = utcDay(at);
    const known = this.decided.get(callId);
    if (known && known.day === day) return known;
    try {
      const value = await this.options.codec.encode(this.options.topic, {
        callId,
        day,
        claimedAt: at,
        claimedBy: this.options.instanceId,
      });
      const producer = await this.connectedProducer();
      const [meta] = await producer.send({
        topic: this.options.topic.name,
        acks: -1,
        messages: [{ key: callId, value }],
      });
      if (!meta || meta.baseOffset === undefined) {
        throw new Error(`the broker returned no offset for the claim on ${this.options.topic.name}`);
      }
      const offset = BigInt(meta.baseOffset);
      const first = await this.firstOffsetOf(day, at, offset);
      const rank = Math.max(0, Number(offset - first));
      const decision = { granted: rank < this.options.maxDailyCalls, rank, day };
      if (this.decided.size > 10_000) this.decided.clear();
      this.decided.set(callId, decision);
      return decision;
    } catch (cause) {
      throw new OrchestratorError(
        'SYNTH_BUDGET_FAILED',
        `could not claim a call on ${this.options.topic.name}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  /** Asked after our own claim is written, so today has at least one message and the answer is fixed from then on. */
  private async firstOffsetOf(day: string, at: Date, claimOffset: bigint): Promise<bigint> {
    if (this.dayStart?.day === day) return this.dayStart.offset;
    const admin = await this.connectedAdmin();
    const offsets = await admin.fetchTopicOffsetsByTimestamp(
      this.options.topic.name,
      utcMidnight(at).getTime(),
    );
    const partition = offsets.find((o) => o.partition === 0);
    if (!partition) throw new Error(`${this.options.topic.name} has no partition 0`);
    const offset = BigInt(partition.offset);
    // Past our own claim means the broker still stamped it yesterday (clocks differ around midnight): ask again
    // next time rather than fix a wrong start for the whole day.
    if (offset <= claimOffset) this.dayStart = { day, offset };
    return offset;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
  }
}
