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
      await ctx.deadLetter(key, {
        originalTopic: msg.topic,
        originalPartition: msg.partition,
        originalOffset: msg.offset,
        originalKey: msg.key,
        originalValue: msg.value,
        originalHeaders: msg.headers,
        consumerGroup: ctx.group,
        errorCode: code,
        errorMessage: message.slice(0, 4000),
        attempts,
        failedAt: (ctx.now ?? (() => new Date()))(),
      });
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
