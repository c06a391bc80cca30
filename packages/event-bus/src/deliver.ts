import { createHash } from 'node:crypto';
import type { BusMetrics } from '@synthcall/metrics';
import {
  type DeadLetter,
  type EventCodec,
  type EventSchemaName,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import { BusError, failurePolicy } from './errors.js';
import {
  type BusLogger,
  DEFAULT_RETRY,
  type EventHandler,
  type RetryPolicy,
  type SubscribeOptions,
} from './port.js';

/** A message as it comes off a partition, before decoding. */
export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export interface DeliveryContext<S extends EventSchemaName> {
  codec: EventCodec;
  topic: TopicBinding<S>;
  group: string;
  handler: EventHandler<import('@synthcall/schemas').EventTypes[S]>;
  retry: RetryPolicy;
  metrics: BusMetrics;
  logger: BusLogger;
  sleep: (ms: number) => Promise<void>;
  /** Publishes the dead letter (Avro, topic dead-letters, keyed by the original key); must throw if it fails. */
  deadLetter: (key: string, letter: DeadLetter) => Promise<void>;
  now?: () => Date;
}

export type DeliveryResult = 'ok' | 'dead_lettered';

/**
 * What of the original message a dead letter keeps, so that it always fits the broker's message limit (Kafka's
 * default message.max.bytes is 1 MiB): a dead letter that cannot be written blocks its partition for good, because
 * the message is then never committed. Well under 1 MiB together, with room for the Avro framing and the reason.
 */
export const DEAD_LETTER_LIMITS = {
  /** Bytes of the original value kept; the SHA-256 and the size describe the whole value. */
  valueBytes: 256 * 1024,
  /** Bytes of the original key kept (the key is also the dead letter's own Kafka key). */
  keyBytes: 1024,
  /** Bytes of header names and values kept, in header order; the headers after the bound are dropped. */
  headerBytes: 16 * 1024,
  /** Characters of the error message kept. */
  errorMessageChars: 4000,
} as const;

/** Why a message is dead-lettered: what deadLetterOf needs besides the message. */
export interface DeadLetterReason {
  group: string;
  code: string;
  error: unknown;
  attempts: number;
  failedAt: Date;
}

/**
 * The dead letter of `msg`, within DEAD_LETTER_LIMITS: the value is cut to its first bytes (with the whole value's
 * size and SHA-256 beside it), the key and the headers are bounded, and `truncated` says whether anything was cut.
 * Also returns the Kafka key to publish it under (the original key, bounded the same way).
 */
export function deadLetterOf(msg: RawMessage, reason: DeadLetterReason): { key: string; letter: DeadLetter } {
  let truncated = false;
  const cut = (bytes: Buffer, max: number): Buffer => {
    if (bytes.length <= max) return bytes;
    truncated = true;
    return bytes.subarray(0, max);
  };
  const originalKey = msg.key ? cut(msg.key, DEAD_LETTER_LIMITS.keyBytes) : null;
  const originalHeaders: Record<string, Buffer> = {};
  let headerBytes = 0;
  for (const [name, value] of Object.entries(msg.headers)) {
    headerBytes += Buffer.byteLength(name) + value.length;
    if (headerBytes > DEAD_LETTER_LIMITS.headerBytes) {
      truncated = true;
      break;
    }
    originalHeaders[name] = value;
  }
  const originalValue = msg.value ? cut(msg.value, DEAD_LETTER_LIMITS.valueBytes) : null;
  const message = reason.error instanceof Error ? reason.error.message : String(reason.error);
  if (message.length > DEAD_LETTER_LIMITS.errorMessageChars) truncated = true;
  return {
    key: originalKey?.toString('utf8') ?? '',
    letter: {
      originalTopic: msg.topic,
      originalPartition: msg.partition,
      originalOffset: msg.offset,
      originalKey,
      originalValue,
      originalHeaders,
      consumerGroup: reason.group,
      errorCode: reason.code,
      errorMessage: message.slice(0, DEAD_LETTER_LIMITS.errorMessageChars),
      attempts: reason.attempts,
      failedAt: reason.failedAt,
      originalValueSize: msg.value ? msg.value.length : null,
      originalValueSha256: msg.value ? createHash('sha256').update(msg.value).digest('hex') : null,
      truncated,
    },
  };
}

/**
 * Decodes and handles one message with the bus's delivery rules, shared by both adapters: bounded retries with
 * exponential backoff, then a dead letter carrying the original bytes and the reason. It only throws when the dead
 * letter itself cannot be written, so the caller does not commit and the message is redelivered: nothing is lost.
 */
export async function deliver<S extends EventSchemaName>(
  msg: RawMessage,
  ctx: DeliveryContext<S>,
): Promise<DeliveryResult> {
  const started = performance.now();
  const key = msg.key?.toString('utf8') ?? '';
  const headers = Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [k, v.toString('utf8')]));
  const letter = async (code: string, error: unknown, attempts: number) => {
    const message = error instanceof Error ? error.message : String(error);
    ctx.logger.error(
      {
        topic: msg.topic,
        partition: msg.partition,
        offset: msg.offset,
        group: ctx.group,
        code,
        attempts,
        err: message,
      },
      'message sent to dead letters',
    );
    try {
      const dead = deadLetterOf(msg, {
        group: ctx.group,
        code,
        error,
        attempts,
        failedAt: (ctx.now ?? (() => new Date()))(),
      });
      await ctx.deadLetter(dead.key, dead.letter);
    } catch (cause) {
      throw new BusError(
        'SYNTH_DEAD_LETTER_FAILED',
        `could not dead-letter ${msg.topic}/${msg.partition}@${msg.offset}: ${(cause as Error).message}`,
        { cause },
      );
    }
    ctx.metrics.deadLettered(msg.topic, ctx.group, code);
    ctx.metrics.consumed(msg.topic, ctx.group, 'dead_lettered');
    return 'dead_lettered' as const;
  };

  let value: Awaited<ReturnType<EventCodec['decode']>>;
  try {
    if (!msg.value)
      throw Object.assign(new Error('message has no value (tombstone) on a non-compacted topic'), {
        code: 'SYNTH_DECODE_FAILED',
      });
    value = await ctx.codec.decode(ctx.topic, msg.value);
  } catch (err) {
    return letter('SYNTH_DECODE_FAILED', err, 0);
  }

  let attempt = 0;
  for (;;) {
    attempt += 1;
    try {
      await ctx.handler({
        topic: msg.topic,
        partition: msg.partition,
        offset: msg.offset,
        key,
        value: value as never,
        headers,
      });
      ctx.metrics.observeHandler(msg.topic, ctx.group, (performance.now() - started) / 1000);
      ctx.metrics.consumed(msg.topic, ctx.group, 'ok');
      return 'ok';
    } catch (err) {
      const policy = failurePolicy(err);
      if (policy.action === 'dead-letter' || attempt >= ctx.retry.attempts) {
        ctx.metrics.observeHandler(msg.topic, ctx.group, (performance.now() - started) / 1000);
        return letter(policy.code, err, attempt);
      }
      ctx.metrics.retried(msg.topic, ctx.group);
      const backoff = Math.min(ctx.retry.maxBackoffMs, ctx.retry.initialBackoffMs * 2 ** (attempt - 1));
      ctx.logger.warn(
        {
          topic: msg.topic,
          offset: msg.offset,
          group: ctx.group,
          attempt,
          backoffMs: backoff,
          err: (err as Error).message,
        },
        'handler failed; retrying',
      );
      await ctx.sleep(backoff);
    }
  }
}

export const deadLetterTopic = TOPICS.deadLetters;

/** What an adapter shares between its subscriptions; the rest of a DeliveryContext comes from SubscribeOptions. */
export type AdapterContext = Omit<DeliveryContext<EventSchemaName>, 'topic' | 'group' | 'handler' | 'retry'>;

/** One delivery context per subscription (not per message): the subscription's options on the adapter's parts. */
export function subscriptionContext<S extends EventSchemaName>(
  options: SubscribeOptions<S>,
  adapter: AdapterContext,
): DeliveryContext<S> {
  adapter.metrics.subscribed(options.topic.name, options.group);
  return {
    ...adapter,
    topic: options.topic,
    group: options.group,
    handler: options.handler,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
}
