import { exampleEvents, SPOKEN_HEADER } from '@synthcall/schemas';
import { freshTopic, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { describe, expect, it } from 'vitest';
import { watchBus } from './live.js';
import type { LiveSnapshot } from './live-board.js';

/** Polls `read` until `done` holds (bounded), then returns the last value read. */
async function until<T>(read: () => T, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = read();
  }
  return value;
}

describe('the console’s live feed on a real Kafka (synthcall console --bus kafka)', () => {
  it('shows a call planned, its spoken lines only, and its end with the reason, from the topics a run writes', async () => {
    const { bus: producer, brokers } = await kafkaBusForTest();
    const { bus: consoleBus } = await kafkaBusForTest();
    const topics = {
      calls: await freshTopic(brokers, 'CallPlanned', 2),
      replies: await freshTopic(brokers, 'ReplyReady', 2),
      callEvents: await freshTopic(brokers, 'CallLifecycle', 2),
      deadLetters: await freshTopic(brokers, 'DeadLetter', 1),
    };
    const live = await watchBus({
      bus: consoleBus,
      topics,
      group: uniqueName('it-console'),
      source: 'kafka',
    });
    try {
      const ex = exampleEvents();
      const callId = uniqueName('call');
      await producer.publish(topics.calls, callId, { ...ex.CallPlanned, callId });
      const line = { ...ex.ReplyReady, callId, role: 'agent' as const, turn: 0, text: 'Thanks for calling.' };
      await producer.publish(topics.replies, callId, line, { [SPOKEN_HEADER]: 'true' });
      // The engine's reply that no gateway spoke is not a line of the call.
      await producer.publish(topics.replies, callId, { ...line, turn: 1, text: 'never spoken' });
      const during = await until(
        () => live.snapshot(),
        (s: LiveSnapshot) => s.active.some((c) => c.callId === callId && c.turns === 1),
      );
      expect(during.active.find((c) => c.callId === callId)).toMatchObject({
        customer: ex.CallPlanned.customer.name,
        lastLine: 'Thanks for calling.',
        speaker: 'agent',
      });
      await producer.publish(topics.callEvents, callId, {
        ...ex.CallLifecycle,
        eventId: `${callId}:ended`,
        callId,
        type: 'call_ended',
        endReason: 'escalated',
        endedBy: 'agent',
      });
      await producer.publish(topics.deadLetters, callId, ex.DeadLetter);
      const after = await until(
        () => live.snapshot(),
        (s: LiveSnapshot) => s.ended.length === 1 && s.totals.deadLetters === 1,
      );
      expect(after.active).toEqual([]);
      expect(after.ended).toMatchObject([{ callId, endReason: 'escalated', endedBy: 'agent', turns: 1 }]);
      expect(after.totals).toMatchObject({ started: 1, ended: 1, lines: 1, deadLetters: 1 });
    } finally {
      await live.close();
      await consoleBus.close();
      await producer.close();
    }
  });
});
