import { MemoryEventBus } from '@synthcall/event-bus';
import { exampleEvents, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsNodeSegment } from './adapters/segment-analytics-node.js';
import { identifyOf } from './domain/segment-events.js';
import { SegmentPublisher, type SegmentPublisherOptions } from './segment-publisher.js';
import { type CallEventPart, callEvents, publishCall } from './testing/call-events.js';
import { type SegmentReceiver, startSegmentReceiver } from './testing/segment-receiver.js';

const WRITE_KEY = 'test-write-key';
const silent = { info: () => {}, warn: () => {}, error: () => {} };
const start = new Date('2026-01-15T10:00:00.000Z');
const secondsAfterStart = (s: number) => new Date(start.getTime() + s * 1000);

/** One finished, analysed call: a conference of 95 s, four turns, and four Voice Intelligence operators' results. */
function analysedCall(callId: string) {
  const ex = exampleEvents(callId);
  return callEvents(callId, {
    started: { occurredAt: secondsAfterStart(0) },
    reply: (turn) => ({
      text: ex.ReplyReady.text,
      endCall: turn === 3,
      endReason: turn === 3 ? 'resolved' : null,
      endedBy: turn === 3 ? 'agent' : null,
    }),
    ended: { occurredAt: secondsAfterStart(94), conferenceSid: null, sequenceNumber: null },
    conferenceEnded: { occurredAt: secondsAfterStart(95), sequenceNumber: 9, durationSec: 95 },
    analyzed: {
      analyzedAt: secondsAfterStart(120),
      operatorResults: [
        ...ex.TranscriptAnalyzed.operatorResults,
        {
          operatorSid: 'LY00000000000000000000000000000002',
          name: 'Call Reason',
          operatorType: 'conversation_classify',
          predictedLabel: 'billing',
          predictedProbability: 0.9,
          textResult: null,
          extractResults: {},
          rawJson: '{}',
        },
        {
          operatorSid: 'LY00000000000000000000000000000003',
          name: 'PII Extraction',
          operatorType: 'pii_extract',
          predictedLabel: null,
          predictedProbability: null,
          textResult: null,
          extractResults: { PHONE_NUMBER: ['555 0100'], EMAIL_ADDRESS: ['dana@example.com'], SSN: [] },
          rawJson: '{}',
        },
        {
          operatorSid: 'LY00000000000000000000000000000004',
          name: 'Summarization',
          operatorType: 'text_generation',
          predictedLabel: null,
          predictedProbability: null,
          textResult: 'The customer was charged twice; the agent refunded one charge.',
          extractResults: {},
          rawJson: '{}',
        },
      ],
    },
  });
}

/** The topics the publisher reads: what was heard, the engine's state and the recording are not among them. */
const SEGMENT_PARTS: CallEventPart[] = [
  'planned',
  'started',
  'replies',
  'ended',
  'conferenceEnded',
  'analyzed',
];

const publishAnalysedCall = (bus: MemoryEventBus, callId: string) =>
  publishCall(bus, analysedCall(callId), SEGMENT_PARTS);

/** Every event of a call but its plan: what a replica gets for a call whose plan went to another one. */
const publishWithoutPlan = (bus: MemoryEventBus, callId: string) =>
  publishCall(
    bus,
    analysedCall(callId),
    SEGMENT_PARTS.filter((part) => part !== 'planned'),
  );

/** Written out by hand from analysedCall('call-0001'), not computed by the mapping under test. */
const context = { traits: { synthetic: true }, app: { name: 'synthcall' } };
const common = {
  callId: 'call-0001',
  requestId: 'req-0001',
  agentId: 'marcus-lee',
  agentName: 'Marcus Lee',
  industry: 'telecom',
  issueCategory: 'billing_dispute',
  mode: 'simulated',
  synthetic: true,
};
const expectedCall0001 = [
  {
    type: 'identify',
    messageId: 'call-0001:identify',
    timestamp: '2026-01-15T10:00:00.000Z',
    userId: 'dana-whitfield',
    traits: {
      name: 'Dana Whitfield',
      industry: 'telecom',
      language: 'en-US',
      voice: 'Polly.Joanna-Neural',
      personaId: 'dana-whitfield',
      synthetic: true,
    },
    context,
  },
  {
    type: 'track',
    messageId: 'call-0001:call-started',
    timestamp: '2026-01-15T10:00:00.000Z',
    userId: 'dana-whitfield',
    event: 'Call Started',
    properties: {
      ...common,
      conferenceSid: 'CF00000000000000000000000000000001',
      issueComplexity: 3,
      demeanor: 'frustrated',
      expectedOutcome: 'resolved',
      pairingStrategy: 'matched',
      pairingScore: 0.82,
    },
    context,
  },
  {
    type: 'track',
    messageId: 'call-0001:call-analyzed',
    timestamp: '2026-01-15T10:02:00.000Z',
    userId: 'dana-whitfield',
    event: 'Call Analyzed',
    properties: {
      ...common,
      transcriptSid: 'GT00000000000000000000000000000001',
      recordingSid: 'RE00000000000000000000000000000001',
      sentences: 1,
      sentiment: 'negative',
      sentimentProbability: 0.71,
      callReason: 'billing',
      callReasonProbability: 0.9,
      piiTypes: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
      piiFound: true,
      summary: 'The customer was charged twice; the agent refunded one charge.',
    },
    context,
  },
  {
    type: 'track',
    messageId: 'call-0001:call-completed',
    timestamp: '2026-01-15T10:01:34.000Z',
    userId: 'dana-whitfield',
    event: 'Call Completed',
    properties: {
      ...common,
      durationSec: 95,
      turns: 4,
      fallbackTurns: 0,
      endReason: 'resolved',
      endedBy: 'agent',
      outcome: 'resolved',
      expectedOutcome: 'resolved',
      failed: false,
    },
    context,
  },
];

/** What the client library adds to each message; the rest must be exactly what we built. */
const withLibraryFields = (m: (typeof expectedCall0001)[number]) => ({
  ...m,
  context: { ...m.context, library: { name: '@segment/analytics-node', version: expect.any(String) } },
  _metadata: expect.any(Object),
  integrations: {},
});

const receivers: SegmentReceiver[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function setup(client: { flushAt?: number; flushIntervalMs?: number } = {}) {
  const receiver = await startSegmentReceiver(WRITE_KEY);
  receivers.push(receiver);
  const bus = new MemoryEventBus();
  const segment = new AnalyticsNodeSegment({
    writeKey: WRITE_KEY,
    host: receiver.url,
    flushAt: client.flushAt ?? 100,
    flushIntervalMs: client.flushIntervalMs ?? 60_000,
    maxRetries: 3,
    logger: silent,
  });
  const publisher = new SegmentPublisher({ bus, segment, logger: silent, settleMs: 60_000 });
  await publisher.start();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await publisher.close();
    await bus.close();
  };
  closers.push(close);
  return { receiver, bus, segment, publisher, close };
}

const idsOf = (messages: Array<{ messageId: string }>) => messages.map((m) => m.messageId);

describe('SegmentPublisher over @segment/analytics-node', () => {
  it('sends one identify and three tracks per call in Segment batch format, every one synthetic', async () => {
    const { receiver, bus, close } = await setup();
    await publishAnalysedCall(bus, 'call-0001');
    await publishAnalysedCall(bus, 'call-0002');
    await bus.idle();
    await close();

    expect(receiver.violations).toEqual([]);
    const call1 = receiver.messages.filter((m) => m.messageId.startsWith('call-0001:'));
    expect(call1).toEqual(expectedCall0001.map(withLibraryFields));
    const call2 = receiver.messages.filter((m) => m.messageId.startsWith('call-0002:'));
    expect(call2.map((m) => [m.type, m.event ?? null])).toEqual([
      ['identify', null],
      ['track', 'Call Started'],
      ['track', 'Call Analyzed'],
      ['track', 'Call Completed'],
    ]);
    for (const m of receiver.messages) {
      const flagged = m.type === 'identify' ? m.traits : m.properties;
      expect(flagged).toMatchObject({ synthetic: true });
      expect(m.context).toMatchObject({ traits: { synthetic: true } });
    }
  });

  it('sends each messageId once when the bus redelivers every event of a call', async () => {
    const { receiver, bus, close } = await setup();
    await publishAnalysedCall(bus, 'call-0001');
    await bus.idle();
    await publishAnalysedCall(bus, 'call-0001');
    await bus.idle();
    await close();

    const ids = idsOf(receiver.messages);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('gives a restarted sink the same messageIds for the same events, so Segment can drop the repeats', async () => {
    const first = await setup();
    await publishAnalysedCall(first.bus, 'call-0001');
    await first.bus.idle();
    await first.close();
    const second = await setup();
    await publishAnalysedCall(second.bus, 'call-0001');
    await second.bus.idle();
    await second.close();

    expect(idsOf(second.receiver.messages).sort()).toEqual(idsOf(first.receiver.messages).sort());
    expect(idsOf(first.receiver.messages)).toHaveLength(4);
  });

  it('loses nothing when Segment answers 500 and then recovers: the client retries the batch', async () => {
    const { receiver, bus, close } = await setup();
    receiver.failNext(1, 500);
    await publishAnalysedCall(bus, 'call-0001');
    await bus.idle();
    await close();

    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200]);
    // The same batch each time, marked as a retry.
    expect(receiver.requests.map((r) => r.retryCount)).toEqual([0, 1]);
    expect(receiver.requests[1]?.messageIds).toEqual(receiver.requests[0]?.messageIds);
    expect(idsOf(receiver.messages).sort()).toEqual(idsOf(expectedCall0001).sort());
  }, 20_000);

  it('logs every messageId of a batch Segment still refuses after the retries, instead of losing it silently', async () => {
    const receiver = await startSegmentReceiver(WRITE_KEY);
    receivers.push(receiver);
    receiver.failNext(10, 503);
    const errors: Array<{ messageId?: string }> = [];
    const logger = { ...silent, error: (obj: object) => void errors.push(obj as { messageId?: string }) };
    const segment = new AnalyticsNodeSegment({
      writeKey: WRITE_KEY,
      host: receiver.url,
      maxRetries: 0,
      logger,
    });
    const e = analysedCall('call-0001');
    await segment.send(identifyOf(e.planned));
    await segment.close();

    expect(receiver.requests.map((r) => r.status)).toEqual([503]);
    expect(errors.map((x) => x.messageId)).toEqual(['call-0001:identify']);
    expect(segment.counts).toEqual({ delivered: 0, failed: 1 });
  });

  it('sends what is queued only at shutdown when no batch filled up and the interval never passed', async () => {
    const { receiver, bus, close } = await setup({ flushAt: 100, flushIntervalMs: 60_000 });
    await publishAnalysedCall(bus, 'call-0001');
    await bus.idle();
    // Call Completed waits for its settle period, the other three for a batch: nothing has gone out yet.
    expect(receiver.requests).toEqual([]);

    await close();
    expect(idsOf(receiver.messages).sort()).toEqual(idsOf(expectedCall0001).sort());
  });

  it('is checked by a receiver that refuses a wrong write key, so the format assertions above can fail', async () => {
    const receiver = await startSegmentReceiver(WRITE_KEY);
    receivers.push(receiver);
    const segment = new AnalyticsNodeSegment({
      writeKey: 'another-key',
      host: receiver.url,
      maxRetries: 0,
      logger: silent,
    });
    await segment.send(identifyOf(analysedCall('call-0001').planned));
    await segment.close();

    expect(receiver.violations).toEqual(['Authorization is not Basic <writeKey>:']);
    expect(receiver.messages).toEqual([]);
    expect(segment.counts.failed).toBe(1);
  });

  it('batches: with flushAt 2, four calls go out in two requests of two', async () => {
    const { receiver, bus, close } = await setup({ flushAt: 2 });
    await publishAnalysedCall(bus, 'call-0001');
    await bus.idle();
    await close();

    expect(receiver.requests.map((r) => r.messageIds.length)).toEqual([2, 2]);
  });
});

describe('SegmentPublisher timing of Call Completed', () => {
  /** A schedule the test runs by hand: which waits were asked for, and which are still pending. */
  function manualSchedule() {
    const timers: Array<{ ms: number; run: () => void; cancelled: boolean }> = [];
    return {
      timers,
      schedule: (run: () => void, ms: number) => {
        const t = { ms, run, cancelled: false };
        timers.push(t);
        return () => {
          t.cancelled = true;
        };
      },
      fire: () => {
        for (const t of timers.splice(0)) if (!t.cancelled) t.run();
      },
    };
  }

  async function setupTimed(extra: Partial<SegmentPublisherOptions> = {}) {
    const sent: Array<{ messageId: string; properties?: Record<string, unknown> }> = [];
    const port = {
      send: async (m: { messageId: string }) => void sent.push(m as (typeof sent)[number]),
      close: async () => {},
    };
    const bus = new MemoryEventBus();
    const clock = manualSchedule();
    const publisher = new SegmentPublisher({
      bus,
      segment: port,
      logger: silent,
      settleMs: 0,
      conferenceEndWaitMs: 30_000,
      schedule: clock.schedule,
      ...extra,
    });
    await publisher.start();
    closers.push(async () => {
      await publisher.close();
      await bus.close();
    });
    const completed = () => sent.filter((m) => m.messageId.endsWith(':call-completed'));
    /** Delivers what was published, ends every wait (settle, conference end) and lets the sends go out. */
    const settle = async () => {
      await bus.idle();
      clock.fire();
      await new Promise((r) => setImmediate(r));
      await bus.idle();
    };
    return { bus, clock, publisher, completed, settle };
  }

  it('waits for the conference to end, so the one Call Completed carries the duration', async () => {
    const { bus, clock, completed } = await setupTimed();
    const e = analysedCall('call-0001');
    await publishCall(bus, e, ['planned', 'started', 'replies', 'ended']);
    await bus.idle();
    // The conversation ended but the conference did not yet: only the fallback wait is pending.
    expect(clock.timers.map((t) => t.ms)).toEqual([30_000]);
    expect(completed()).toEqual([]);

    await bus.publish(TOPICS.callEvents, 'call-0001', e.conferenceEnded);
    await bus.idle();
    clock.fire();
    await bus.idle();
    await new Promise((r) => setImmediate(r));
    expect(completed().map((m) => m.properties?.durationSec)).toEqual([95]);
  });

  it('drops a call from memory once its four Segment calls went out, and sends nothing for a later redelivery', async () => {
    const { bus, publisher, completed, settle } = await setupTimed();
    await publishAnalysedCall(bus, 'call-0001');
    await settle();
    expect(completed()).toHaveLength(1);
    expect(publisher.callsInMemory).toBe(0);
    await publishAnalysedCall(bus, 'call-0001');
    await settle();
    expect(completed()).toHaveLength(1);
    expect(publisher.callsInMemory).toBe(0);
  });

  const nothingHeld = { tracked: 0, sent: 0, calls: 0, waitingForPlan: 0, finished: 0, pending: 0 };

  it('drops the calls that never completed here once abandonMs passed without their events: planned here (partitions moved) or never planned here', async () => {
    let now = Date.parse('2026-01-15T10:00:00Z');
    const { bus, publisher, completed, settle } = await setupTimed({
      abandonMs: 60_000,
      now: () => new Date(now),
    });
    await bus.publish(TOPICS.calls, 'call-moved', analysedCall('call-moved').planned);
    for (let i = 0; i < 50; i++) await publishWithoutPlan(bus, `call-orphan-${i}`);
    await bus.idle();
    expect(publisher.callsInMemory).toBe(51);
    expect(publisher.heldCalls()).toMatchObject({ tracked: 51, calls: 1, waitingForPlan: 50 });

    now += 120_000;
    await publishAnalysedCall(bus, 'call-0001');
    await settle();
    expect(completed()).toHaveLength(1);
    expect(publisher.callsInMemory).toBe(0);
    expect(publisher.heldCalls()).toEqual(nothingHeld);
  });

  it('drops calls waiting for a plan on a later event even when no call completes here', async () => {
    let now = Date.parse('2026-01-15T10:00:00Z');
    const { bus, publisher } = await setupTimed({ abandonMs: 60_000, now: () => new Date(now) });
    for (let i = 0; i < 20; i++) await publishWithoutPlan(bus, `call-orphan-${i}`);
    await bus.idle();
    expect(publisher.heldCalls()).toMatchObject({ tracked: 20, waitingForPlan: 20 });

    now += 120_000;
    await bus.publish(TOPICS.transcripts, 'call-late', analysedCall('call-late').analyzed);
    await bus.idle();
    expect(publisher.heldCalls()).toEqual({ ...nothingHeld, tracked: 1 });
  });

  it('sends Call Completed without a duration when the conference end never comes, after the longest wait', async () => {
    const { bus, clock, completed } = await setupTimed();
    const e = analysedCall('call-0001');
    await publishCall(bus, e, ['planned', 'started', 'ended']);
    await bus.idle();
    clock.fire();
    await new Promise((r) => setImmediate(r));
    expect(completed().map((m) => m.properties?.durationSec)).toEqual([null]);
    // A late conference end does not send a second, different Call Completed under the same messageId.
    await bus.publish(TOPICS.callEvents, 'call-0001', e.conferenceEnded);
    await bus.idle();
    clock.fire();
    await new Promise((r) => setImmediate(r));
    expect(completed()).toHaveLength(1);
  });
});
