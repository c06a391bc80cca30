import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnalyticsNodeSegment,
  type ReceivedMessage,
  SegmentPublisher,
  startSegmentReceiver,
} from '@synthcall/analytics-sink/testing';
import { integrationEnv, uniqueName } from '@synthcall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type GenerateSummary, generate } from './embedded.js';
import { simSaid } from './testing/sim-said.js';

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const WRITE_KEY = 'synthcall-kafka-loop-write-key';
const receiver = await startSegmentReceiver(WRITE_KEY);
afterAll(() => receiver.close());

/** A message as Segment stores it: what the client adds per send (sentAt, _metadata, context.library) left out. */
const stored = ({ sentAt: _s, _metadata: _m, ...rest }: ReceivedMessage) => rest;

describe('the call loop over a real Kafka broker and registry', () => {
  it('runs 20 calls through the orchestrator, gateway and engine (a Kafka client each) with twilio-sim', async () => {
    const { brokers, registryUrl } = integrationEnv();
    const out = await mkdtemp(join(tmpdir(), 'synthcall-kafka-loop-'));
    const checks: Array<() => void> = [];
    let firstDelivery: ReceivedMessage[] = [];
    let summaryCallIds: string[] = [];
    const summary: GenerateSummary = await generate({
      calls: 20,
      seed: uniqueName('kafka-loop'),
      strategy: 'coverage',
      concurrency: 10,
      out,
      maxTurns: 24,
      asrWer: 0.05,
      timeoutMs: 240_000,
      logLevel: 'silent',
      version: 'test',
      transport: { kind: 'kafka', brokers: brokers.split(','), registryUrl, topicSuffix: uniqueName('it') },
      segment: { writeKey: WRITE_KEY, host: receiver.url },
      beforeStop: async (ctx) => {
        // Segment: the run's own publisher sends one identify and three tracks per call.
        await until('80 Segment messages', () => receiver.messages.length >= 80, 60_000);
        firstDelivery = [...receiver.messages];
        summaryCallIds = ctx.dataset.callIds();
        // Forced redelivery: a second analytics-sink whose consumer offsets are lost reads every event again from
        // the beginning of the run's topics and publishes to the same Segment.
        const redelivery = new SegmentPublisher({
          bus: ctx.bus,
          segment: new AnalyticsNodeSegment({
            writeKey: WRITE_KEY,
            host: receiver.url,
            flushAt: 20,
            flushIntervalMs: 200,
            logger: { info: () => {}, warn: () => {}, error: () => {} },
          }),
          logger: { info: () => {}, warn: () => {}, error: () => {} },
          group: uniqueName('segment-redelivery'),
          settleMs: 0,
          topics: {
            calls: ctx.topics.calls,
            replies: ctx.topics.replies,
            callEvents: ctx.topics.callEvents,
            transcripts: ctx.topics.transcripts,
          },
        });
        await redelivery.start();
        await until('the redelivered Segment messages', () => receiver.messages.length >= 160, 60_000);
        await redelivery.close();
        const said = await simSaid(ctx.sim);
        for (const callId of ctx.dataset.callIds()) {
          const record = ctx.dataset.record(callId);
          const turns = ctx.dataset.transcript(callId).turns;
          const state = ctx.engine.state(callId);
          const recording = ctx.dataset.recordingOf(callId);
          const intelligence = ctx.dataset.intelligence(callId);
          checks.push(() => {
            // Every call ends with a reason, after at least 6 turns.
            expect(record.endReason, callId).not.toBeNull();
            expect(
              turns.length,
              `${callId}: end ${record.endReason}, fallback turns ${record.fallbackTurns}: ${JSON.stringify(turns.map((t) => [t.role, t.fallback, t.said]))}`,
            ).toBeGreaterThanOrEqual(6);
            // One dual-channel recording mapped to roles, transcribed by Voice Intelligence on the right channels.
            expect(recording?.channels).toBe(2);
            expect(recording?.channelRoles).toEqual([
              { channel: 1, role: 'customer' },
              { channel: 2, role: 'agent' },
            ]);
            expect(
              intelligence?.sentences.every((x) => x.role === (x.channel === 1 ? 'customer' : 'agent')),
            ).toBe(true);
            expect(new Set(intelligence?.sentences.map((x) => x.channel))).toEqual(new Set([1, 2]));
            expect(intelligence?.operatorResults).toHaveLength(4);
            // No turn lost or duplicated; roles alternate, agent first.
            expect(turns.map((t) => t.turn)).toEqual(turns.map((_, i) => i));
            expect(turns.map((t) => t.role)).toEqual(
              turns.map((_, i) => (i % 2 === 0 ? 'agent' : 'customer')),
            );
            // Each role's history holds only its own lines as assistant, in order.
            for (const role of ['agent', 'customer'] as const) {
              const own = turns.filter((t) => t.role === role).map((t) => t.said);
              const assistant = (state?.histories[role] ?? [])
                .filter((m) => m.role === 'assistant')
                .map((m) => m.content);
              expect(assistant, `${callId} ${role} history`).toEqual(own);
              // The transcript is what twilio-sim logged as said by that role's leg.
              expect(said.get(`${callId}:${role}`), `${callId} ${role} said`).toEqual(own);
            }
          });
        }
      },
    });
    expect(summary).toMatchObject({ requested: 20, finished: 20, timedOut: false, fallbackTurns: 0 });
    expect(checks).toHaveLength(20);
    for (const check of checks) check();
    expect(summary.turnLatencyMs.samples).toBeGreaterThan(100);
    // Segment got, per call, one identify and three tracks, all synthetic, in Segment's documented batch format.
    expect(receiver.violations).toEqual([]);
    expect(firstDelivery).toHaveLength(80);
    for (const callId of summaryCallIds) {
      const mine = firstDelivery.filter((m) => m.messageId.startsWith(`${callId}:`));
      expect(mine.map((m) => (m.type === 'track' ? m.event : m.type)).sort(), callId).toEqual([
        'Call Analyzed',
        'Call Completed',
        'Call Started',
        'identify',
      ]);
    }
    const synthetic = (m: ReceivedMessage) =>
      (m.type === 'identify'
        ? (m.traits as { synthetic?: unknown })
        : (m.properties as { synthetic?: unknown })
      ).synthetic === true;
    expect(firstDelivery.filter((m) => !synthetic(m))).toEqual([]);
    // The redelivery sent the same 80 messages again under the same messageIds, so Segment (which deduplicates by
    // messageId) stores each call's identify and tracks once: no duplicate differs from what was stored first.
    const redelivered = receiver.messages.slice(80);
    expect(redelivered).toHaveLength(80);
    const first = new Map(firstDelivery.map((m) => [m.messageId, stored(m)]));
    expect(first.size).toBe(80);
    for (const m of redelivered) expect(stored(m), m.messageId).toEqual(first.get(m.messageId));
    expect(new Set(receiver.messages.map((m) => m.messageId)).size).toBe(80);
  }, 300_000);
});
