import { Writable } from 'node:stream';
import type { EventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { SPOKEN_HEADER, TOPICS } from '@synthcall/schemas';
import { describe, expect, it, vi } from 'vitest';
import { SpokenLines } from './spoken-lines.js';
import { replyEvent } from './test-support/harness.js';

function failingBus(failures: number) {
  const sent: Array<{ text: string; headers: Record<string, string> }> = [];
  let calls = 0;
  const bus: EventBus = {
    publish: async (_topic, _key, value, headers = {}) => {
      calls += 1;
      if (calls <= failures) throw new Error('broker unreachable');
      sent.push({ text: (value as { text: string }).text, headers });
    },
    subscribe: async () => ({ close: async () => {} }),
    close: async () => {},
  };
  return { bus, sent, calls: () => calls };
}

const logLines: Array<Record<string, unknown>> = [];
const logger = createLogger({
  service: 'twiml-gateway',
  version: 'test',
  destination: new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
});

describe('SpokenLines', () => {
  it('keeps trying to record a spoken fallback while the broker is away, and records it once it is back', async () => {
    const { bus, sent, calls } = failingBus(2);
    const spoken = new SpokenLines({
      bus,
      replies: TOPICS.replies,
      logger,
      headers: { 'synthcall-origin': 'twiml-gateway' },
      retryDelaysMs: [5, 5, 5],
    });
    spoken.record(replyEvent('call-1', 'agent', 2, 'Sorry, one moment.', { fallback: true }));
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await spoken.close();
    expect(calls()).toBe(3);
    expect(sent).toEqual([
      {
        text: 'Sorry, one moment.',
        headers: { 'synthcall-origin': 'twiml-gateway', [SPOKEN_HEADER]: 'true' },
      },
    ]);
  });

  it('gives up after its retries with an error naming the lost line, and close does not wait out the backoff', async () => {
    const { bus, sent } = failingBus(100);
    const spoken = new SpokenLines({
      bus,
      replies: TOPICS.replies,
      logger,
      headers: {},
      retryDelaysMs: [60_000],
    });
    spoken.record(replyEvent('call-2', 'customer', 3, 'Sorry?', { fallback: true }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await spoken.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sent).toEqual([]);
    expect(logLines.find((l) => l.code === 'SYNTH_SPOKEN_LINE_LOST')).toMatchObject({
      callId: 'call-2',
      turn: 3,
    });
  });

  it('resolves once the record is written, or after its wait while the broker is away and keeps trying', async () => {
    const up = failingBus(0);
    const written = new SpokenLines({ bus: up.bus, replies: TOPICS.replies, logger, headers: {} });
    await written.record(replyEvent('call-3', 'agent', 0, 'Hello.'), 1_000);
    expect(up.sent.map((r) => r.text)).toEqual(['Hello.']);

    const away = failingBus(1);
    const waiting = new SpokenLines({
      bus: away.bus,
      replies: TOPICS.replies,
      logger,
      headers: {},
      retryDelaysMs: [200],
    });
    const started = Date.now();
    await waiting.record(replyEvent('call-3', 'customer', 1, 'Hi.'), 50);
    expect(Date.now() - started).toBeLessThan(200);
    expect(away.sent).toEqual([]);
    await vi.waitFor(() => expect(away.sent.map((r) => r.text)).toEqual(['Hi.']));
    await Promise.all([written.close(), waiting.close()]);
  });
});
