import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { producerStateLost } from './kafka-event-bus.js';

// What kafkajs throws from sendBatch after a broker restart left the idempotent producer out of step (seen in the
// chaos test: every later send of that producer failed with it), wrapped the way its retrier wraps it.
const protocolError = (type: string, code: number) =>
  new KafkaJSProtocolError(
    Object.assign(new Error(`the broker says ${type}`), { type, code, retriable: false }),
  );

describe('producerStateLost', () => {
  it('recognises the broker refusing the producer state, however kafkajs wrapped it', () => {
    const outOfOrder = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45);
    expect(producerStateLost(outOfOrder)).toBe(true);
    expect(
      producerStateLost(new KafkaJSNumberOfRetriesExceeded(outOfOrder, { retryCount: 2, retryTime: 1162 })),
    ).toBe(true);
    const unknownProducer = Object.assign(new KafkaJSNonRetriableError('send failed'), {
      cause: protocolError('UNKNOWN_PRODUCER_ID', 59),
    });
    expect(producerStateLost(unknownProducer)).toBe(true);
    expect(producerStateLost(protocolError('INVALID_PRODUCER_EPOCH', 47))).toBe(true);
  });

  it('leaves other failures to the caller: a broker away is not a producer to replace', () => {
    expect(producerStateLost(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(
      false,
    );
    expect(producerStateLost(protocolError('NOT_LEADER_FOR_PARTITION', 6))).toBe(false);
    expect(producerStateLost(new Error('boom'))).toBe(false);
    expect(producerStateLost(undefined)).toBe(false);
    // A cause that points back at itself ends the walk.
    const loop = new Error('loop') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(producerStateLost(loop)).toBe(false);
  });
});
