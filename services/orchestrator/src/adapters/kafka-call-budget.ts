import { randomUUID } from 'node:crypto';
import {
  type BusLogger,
  deadLetterOf,
  failurePolicy,
  kafkajsLogCreator,
  silentLogger,
} from '@synthcall/event-bus';
import { type CallBudgetClaim, type EventCodec, TOPICS, type TopicBinding } from '@synthcall/schemas';
import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { BudgetLedger } from '../domain/budget-ledger.js';
import { type BudgetDecision, type CallBudget, utcDay, utcMidnight } from '../domain/ports.js';
import { OrchestratorError } from '../errors.js';

export interface KafkaCallBudgetOptions {
  brokers: string[];
  clientId: string;
  /** Registry-backed codec: claims are CallBudgetClaim Avro in the Confluent wire format, like every topic. */
  codec: EventCodec;
  /** The one-partition call-budget topic (TOPICS.callBudget, or a unique one in tests). */
  topic: TopicBinding<'CallBudgetClaim'>;
  /** Where a claim that cannot be decoded goes (TOPICS.deadLetters by default). */
  deadLetterTopic?: TopicBinding<'DeadLetter'>;
  maxDailyCalls: number;
  /** Written into each claim for audit. */
  instanceId: string;
  /** How long a claim waits to read itself back from the topic before it fails (default 30 s). */
  readTimeoutMs?: number;
  /** Where kafkajs warnings and errors go (the service's logger); silent when omitted. */
  logger?: BusLogger;
  kafkaConfig?: Partial<KafkaConfig>;
  /** For tests only: the kafkajs client to use instead of one built from the options above (e.g. a fake). */
  kafka?: Kafka;
}

/**
 * Reading starts this long before the UTC midnight of the first claim's clock, so a replica whose clock runs ahead
 * of the broker's still reads the whole of the broker's day.
 */
const CLOCK_SKEW_MARGIN_MS = 3_600_000;
/** Decisions kept by offset for claims being read back; far more than claims written between a send and its read. */
const DECISIONS_KEPT = 10_000;

/**
 * The daily budget on Kafka. A claim is a message on a single-partition topic; the offsets the broker assigns are one
 * claim order shared by every replica, and it survives restarts. Each replica reads the topic from the start of the
 * UTC day into a `BudgetLedger`, which ranks distinct calls by their first claim: every replica computes the same
 * rank for a call without any lock, and the claim is granted iff rank < MAX_DAILY_CALLS. The topic uses
 * LogAppendTime, so broker timestamps grow with offsets and the first offset of the day is exact.
 *
 * A call claimed again (its request redelivered after a crash, before the conference existed) keeps its first slot:
 * once this replica has read the topic up to where it was when the replica started, it finds the earlier claim and
 * answers with it without writing; a claim written anyway (two replicas racing on one request) counts once too.
 */
export class KafkaCallBudget implements CallBudget {
  private readonly kafka: Kafka;
  private producer?: Connecting<Producer>;
  private admin?: Connecting<Admin>;
  private reader?: Promise<ClaimReader>;
  private readonly readTimeoutMs: number;
  /** Aborted by close(): a reader still starting stops waiting for the broker, and no claim starts another. */
  private readonly closing = new AbortController();

  constructor(private readonly options: KafkaCallBudgetOptions) {
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000;
    const logger = options.logger;
    this.kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId,
        brokers: options.brokers,
        logLevel: logLevel.WARN,
        logCreator: kafkajsLogCreator(logger ?? silentLogger, { component: 'call-budget' }),
        ...options.kafkaConfig,
      });
  }

  private connectedProducer(): Promise<Producer> {
    if (this.closing.signal.aborted) return Promise.reject(this.closing.signal.reason);
    if (!this.producer) {
      const producer = connecting(
        this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          // One partition: the partitioner never matters; naming it silences kafkajs's v2 migration warning.
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      );
      this.producer = producer;
      producer.connected.catch(() => {
        if (this.producer === producer) this.producer = undefined;
      });
    }
    return this.producer.connected;
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.closing.signal.aborted) return Promise.reject(this.closing.signal.reason);
    if (!this.admin) {
      const admin = connecting(this.kafka.admin());
      this.admin = admin;
      admin.connected.catch(() => {
        if (this.admin === admin) this.admin = undefined;
      });
    }
    return this.admin.connected;
  }

  /** Started by the first claim; ready once it has read every claim that was on the topic when it started. */
  private startedReader(at: Date): Promise<ClaimReader> {
    if (this.closing.signal.aborted) return Promise.reject(this.closing.signal.reason);
    if (!this.reader) {
      const reader = ClaimReader.start({
        kafka: this.kafka,
        admin: this.connectedAdmin(),
        codec: this.options.codec,
        topic: this.options.topic,
        ledger: new BudgetLedger(this.options.maxDailyCalls),
        groupId: `${this.options.clientId}-budget-reader-${randomUUID()}`,
        from: utcMidnight(new Date(at.getTime() - CLOCK_SKEW_MARGIN_MS)),
        readTimeoutMs: this.readTimeoutMs,
        signal: this.closing.signal,
        deadLetter: (message, code, error) => this.deadLetter(message, code, error),
        onFailed: () => {
          if (this.reader === reader) this.reader = undefined;
        },
      });
      this.reader = reader;
      reader.catch(() => {
        if (this.reader === reader) this.reader = undefined;
      });
    }
    return this.reader;
  }

  async claim(callId: string, at: Date): Promise<BudgetDecision> {
    const day = utcDay(at);
    try {
      const reader = await this.startedReader(at);
      const known = reader.ledger.decisionFor(callId, day);
      if (known) return known;
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
      // Read back rather than computed here: the rank depends on every claim before this one, from any replica.
      return await reader.decisionAt(BigInt(meta.baseOffset));
    } catch (cause) {
      throw new OrchestratorError(
        'SYNTH_BUDGET_FAILED',
        `could not claim a call on ${this.options.topic.name}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  /**
   * Publishes the dead letter of a claim the reader skips; throws when it cannot, so the claim is read again rather
   * than skipped unrecorded. Every replica that reads the claim writes one (they cannot know about each other).
   */
  private async deadLetter(message: ClaimMessage, code: string, error: unknown): Promise<void> {
    const dead = deadLetterOf(
      {
        topic: this.options.topic.name,
        partition: 0,
        offset: message.offset,
        key: message.key ?? null,
        value: message.value,
        headers: Object.fromEntries(
          Object.entries(message.headers ?? {}).flatMap(([k, v]) =>
            v === undefined ? [] : [[k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]],
          ),
        ),
      },
      { group: `${this.options.clientId}-budget-reader`, code, error, attempts: 0, failedAt: new Date() },
    );
    const topic = this.options.deadLetterTopic ?? TOPICS.deadLetters;
    const value = await this.options.codec.encode(topic, dead.letter);
    const producer = await this.connectedProducer();
    await producer.send({ topic: topic.name, acks: -1, messages: [{ key: dead.key, value }] });
    this.options.logger?.error(
      { topic: this.options.topic.name, offset: message.offset, code, err: (error as Error).message },
      'call-budget claim skipped and sent to dead letters',
    );
  }

  async close(): Promise<void> {
    const { producer, admin, reader } = this;
    this.producer = undefined;
    this.admin = undefined;
    this.reader = undefined;
    // A reader still starting rejects at once (and disconnects its consumer) instead of waiting for the group join
    // and the read-through, which can take up to readTimeoutMs: longer than the shutdown step allows.
    this.closing.abort(new Error('the call budget was closed'));
    await Promise.allSettled([disconnect(producer), reader?.then((r) => r.close())]);
    await disconnect(admin);
  }
}

/** A kafkajs client and its connect(), which close() must not wait for: kafkajs retries it for many seconds. */
interface Connecting<T> {
  client: T;
  connected: Promise<T>;
  settled: boolean;
}

function connecting<T extends { connect(): Promise<void> }>(client: T): Connecting<T> {
  const pending: Connecting<T> = { client, connected: client.connect().then(() => client), settled: false };
  pending.connected.then(
    () => {
      pending.settled = true;
    },
    () => {
      pending.settled = true;
    },
  );
  return pending;
}

/** Disconnects now; a connect still retrying is not stopped by that, so it is disconnected again once it settles. */
async function disconnect(pending: Connecting<{ disconnect(): Promise<void> }> | undefined): Promise<void> {
  if (!pending) return;
  if (!pending.settled) {
    pending.connected.then(() => pending.client.disconnect()).catch(() => {});
  }
  await pending.client.disconnect().catch(() => {});
}

/**
 * Whether a decode failure came from not reaching the registry rather than from the bytes: the codec reports both as
 * SYNTH_DECODE_FAILED, and skipping a good claim during an outage would make this replica's count differ.
 */
function unreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.code === 'SYNTH_REGISTRY_UNAVAILABLE') return true;
    const text = `${String(e.code ?? '')} ${String(e.message ?? '')}`;
    if (
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|timed? ?out/i.test(
        text,
      )
    )
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Rejects with the signal's reason as soon as it is aborted, whether or not `promise` ever settles. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface ClaimReaderOptions {
  kafka: Kafka;
  admin: Promise<Admin>;
  codec: EventCodec;
  topic: TopicBinding<'CallBudgetClaim'>;
  ledger: BudgetLedger;
  /**
   * A group of this reader alone, which never commits: kafkajs reads only through a group, and the reader always
   * positions itself. A group without offsets is dropped by the broker once empty, so none pile up.
   */
  groupId: string;
  /** Claims stamped from this time on are read. */
  from: Date;
  /** How long a wait for a claim to be read may take. */
  readTimeoutMs: number;
  /** Aborting it while the reader is starting rejects the start and disconnects the consumer. */
  signal: AbortSignal;
  /** Called when the consumer stopped for good: the next claim starts a new reader. */
  onFailed: () => void;
  /** Dead-letters a claim that can never be decoded; throws if that fails. */
  deadLetter: (message: ClaimMessage, code: string, error: unknown) => Promise<void>;
}

/** A message of the call-budget topic as kafkajs hands it over. */
interface ClaimMessage {
  offset: string;
  timestamp: string;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

interface Waiter {
  offset: bigint;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Reads the call-budget topic in offset order into a ledger, and answers each claim with its decision. */
class ClaimReader {
  /** The next offset to read: everything before it is in the ledger. */
  private next: bigint;
  private readonly decisions = new Map<bigint, BudgetDecision>();
  private waiters: Waiter[] = [];
  private failure?: Error;

  private constructor(
    readonly ledger: BudgetLedger,
    private readonly consumer: Consumer,
    private readonly options: ClaimReaderOptions,
    start: bigint,
  ) {
    this.next = start;
  }

  static async start(options: ClaimReaderOptions): Promise<ClaimReader> {
    const { topic, signal } = options;
    const admin = await unlessAborted(options.admin, signal);
    const [byTime] = await unlessAborted(
      admin.fetchTopicOffsetsByTimestamp(topic.name, options.from.getTime()),
      signal,
    );
    const [latest] = await unlessAborted(admin.fetchTopicOffsets(topic.name), signal);
    if (!byTime || !latest) throw new Error(`${topic.name} has no partition 0`);
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 50,
    });
    const reader = new ClaimReader(options.ledger, consumer, options, BigInt(byTime.offset));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // On every (re)join: the group never commits, so without a seek it would start from the oldest claim.
      consumer.seek({ topic: topic.name, partition: 0, offset: String(reader.next) });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      reader.fail(payload.error);
      consumer.disconnect().catch(() => {});
    });
    // The read-through waits on the reader's waiters, which fail() rejects (clearing their timers).
    const onAbort = () => reader.fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const consumerConnecting = connecting(consumer);
    try {
      await unlessAborted(consumerConnecting.connected, signal);
      await unlessAborted(consumer.subscribe({ topic: topic.name, fromBeginning: true }), signal);
      await unlessAborted(
        consumer.run({
          autoCommit: false,
          eachMessage: async ({ message }) => reader.read(message),
        }),
        signal,
      );
      await reader.readThrough(BigInt(latest.high) - 1n);
    } catch (error) {
      await disconnect(consumerConnecting);
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return reader;
  }

  private async read(message: ClaimMessage): Promise<void> {
    const offset = BigInt(message.offset);
    // Before the seek took effect, or read again after a rejoin: already in the ledger.
    if (offset < this.next) return;
    const claim = await this.decode(message);
    if (claim) {
      // The broker's timestamp (LogAppendTime), not the claimer's day: every replica must put a claim in the same day.
      const decision = this.ledger.record(claim.callId, utcDay(new Date(Number(message.timestamp))));
      this.decisions.set(offset, decision);
      if (this.decisions.size > DECISIONS_KEPT) {
        const oldest = this.decisions.keys().next().value;
        if (oldest !== undefined) this.decisions.delete(oldest);
      }
    }
    this.next = offset + 1n;
    const waiting = this.waiters;
    this.waiters = waiting.filter((w) => w.offset >= this.next);
    for (const w of waiting) if (w.offset < this.next) w.resolve();
  }

  /**
   * The claim, or null for one that can never be decoded (no value, not Avro, a schema that does not fit): it is
   * dead-lettered and counts nothing, the same on every replica, so one bad record cannot stop every claim of the day.
   * A failure that may pass (the registry unreachable) throws instead, and kafkajs reads the claim again.
   */
  private async decode(message: ClaimMessage): Promise<CallBudgetClaim | null> {
    let failure: unknown;
    try {
      if (message.value) return await this.options.codec.decode(this.options.topic, message.value);
      failure = Object.assign(new Error(`claim at offset ${message.offset} has no value (a tombstone)`), {
        code: 'SYNTH_DECODE_FAILED',
      });
    } catch (error) {
      failure = error;
    }
    const policy = failurePolicy(failure);
    if (policy.action !== 'dead-letter' || unreachable(failure)) throw failure;
    await this.options.deadLetter(message, policy.code, failure);
    return null;
  }

  /** Resolves once the claim at `offset` (and all before it) is in the ledger. */
  private readThrough(offset: bigint): Promise<void> {
    const timeoutMs = this.options.readTimeoutMs;
    if (this.failure) return Promise.reject(this.failure);
    if (offset < this.next) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`claims up to offset ${offset} were not read back within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        offset,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async decisionAt(offset: bigint): Promise<BudgetDecision> {
    await this.readThrough(offset);
    const decision = this.decisions.get(offset);
    if (!decision) throw new Error(`the decision for the claim at offset ${offset} is no longer kept`);
    return decision;
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const w of this.waiters.splice(0)) w.reject(error);
    this.options.onFailed();
  }

  async close(): Promise<void> {
    this.fail(new Error('the call budget was closed'));
    await this.consumer.disconnect();
  }
}
