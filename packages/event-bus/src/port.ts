import type { EventSchemaName, EventTypes, TopicBinding } from '@synthcall/schemas';

/** A decoded message as handlers see it. */
export interface ConsumedEvent<T> {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kept as a decimal string. */
  offset: string;
  key: string;
  value: T;
  headers: Record<string, string>;
}

export type EventHandler<T> = (event: ConsumedEvent<T>) => Promise<void>;

export interface RetryPolicy {
  /** Handler attempts before the message goes to dead letters (1 = no retry). */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 2_000 };

export interface SubscribeOptions<S extends EventSchemaName> {
  topic: TopicBinding<S>;
  /** Consumer group: every group gets every message once; members of a group share the partitions. */
  group: string;
  handler: EventHandler<EventTypes[S]>;
  /** A group with no committed offset starts at the oldest message (true) or only sees new ones (false, default). */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /**
   * The group belongs to this process alone (a per-replica group, e.g. every gateway replica reading every reply): it
   * is deleted from the broker when the subscription closes, so restarts do not pile up dead groups. A crash still
   * leaves it behind until the broker expires its offsets (offsets.retention.minutes).
   */
  ephemeral?: boolean;
  /**
   * On joining (at start and after every rebalance), also deliver again what each assigned partition received in the
   * last `replayMs` when the group had already committed past it. For consumers that keep state in memory across
   * messages (the dataset sink joins a call's events until the call ends): after a restart they rebuild the calls in
   * flight instead of losing their first events. Handlers must be idempotent, as always.
   */
  replayMs?: number;
}

export interface Subscription {
  /** Stops intake, lets the in-flight message finish, commits, leaves the group. */
  close(): Promise<void>;
}

/**
 * The event bus the services publish and consume through. Delivery is at-least-once: an offset is committed only
 * after its handler succeeded or the message was dead-lettered, so handlers must be idempotent. Order is kept per
 * key (one partition per key; a partition is handled one message at a time).
 */
export interface EventBus {
  /** Publishes one event keyed by `key` (the callId on every call topic). Resolves once the broker acknowledged it. */
  publish<S extends EventSchemaName>(
    topic: TopicBinding<S>,
    key: string,
    value: EventTypes[S],
    headers?: Record<string, string>,
  ): Promise<void>;
  /** Resolves once the subscription is live (joined its group), so a message published afterwards reaches it. */
  subscribe<S extends EventSchemaName>(options: SubscribeOptions<S>): Promise<Subscription>;
  /** Closes every subscription and the producer. */
  close(): Promise<void>;
}

/** The subset of a pino logger the bus uses. */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: BusLogger = { info() {}, warn() {}, error() {} };
