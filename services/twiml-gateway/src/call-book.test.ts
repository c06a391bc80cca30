import { exampleEvents } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { CallBook } from './call-book.js';
import { replyEvent } from './test-support/harness.js';

function book(now = () => 0) {
  return new CallBook({ ttlMs: 60_000, now });
}

describe('CallBook', () => {
  it('keeps the first reply of a turn and reports later ones as not accepted', () => {
    const b = book();
    const first = replyEvent('c1', 'agent', 2, 'first', { fallback: true });
    expect(b.offerReply(first).accepted).toBe(true);
    const late = b.offerReply(replyEvent('c1', 'agent', 2, 'late'));
    expect(late).toEqual({ winner: first, accepted: false });
    expect(b.reply('c1', 'agent', 2)?.text).toBe('first');
  });

  it("learns voices from the plan and keeps them over a fallback's guess", () => {
    const b = book();
    const planned = exampleEvents('c1').CallPlanned;
    b.plan(planned);
    b.offerReply(replyEvent('c1', 'agent', 0, 'hi', { fallback: true, voice: 'Polly.Guess' }));
    expect(b.voiceOf('c1', 'agent').voice).toBe(planned.agent.voice);
    expect(b.listeningLanguage('c1', 'customer')).toBe(planned.agent.language);
  });

  it('marks the call ended by the engine on an endCall reply', () => {
    const b = book();
    b.offerReply(
      replyEvent('c1', 'agent', 6, 'bye', { endCall: true, endReason: 'resolved', endedBy: 'agent' }),
    );
    expect(b.call('c1')).toMatchObject({ ended: true, endDecided: true });
  });

  it('wakes a waiter when its reply arrives and not for another turn', async () => {
    const b = book();
    const waiting = b.waitForReply('c1', 'customer', 3, 10_000);
    b.offerReply(replyEvent('c1', 'customer', 5, 'other turn'));
    b.offerReply(replyEvent('c1', 'customer', 3, 'mine'));
    expect((await waiting)?.text).toBe('mine');
  });

  it('releases every waiter at close with what it has', async () => {
    const b = book();
    const waiting = b.waitForReply('c1', 'customer', 3, 10_000);
    const call = b.waitForCall('unknown', 10_000);
    b.close();
    expect(await waiting).toBeUndefined();
    expect(await call).toBe(false);
  });

  it('forgets the replies, voices and conferences of ended calls beyond retainEnded, oldest first', () => {
    const forgotten: string[] = [];
    const b = new CallBook({
      ttlMs: 60_000,
      now: () => 0,
      retainEnded: 2,
      onForget: (id) => forgotten.push(id),
    });
    b.plan(exampleEvents('live').CallPlanned);
    b.offerReply(replyEvent('live', 'agent', 0, 'still talking'));
    const ids = ['c1', 'c2', 'c3', 'c4'];
    for (const [i, id] of ids.entries()) {
      b.plan(exampleEvents(id).CallPlanned);
      b.rememberConference(`CF${i}`, id);
      b.offerReply(replyEvent(id, 'agent', 0, 'hello'));
      // Two ways a call ends: the engine's endCall reply, or the conference's end.
      if (i % 2 === 0)
        b.offerReply(
          replyEvent(id, 'customer', 1, 'bye', { endCall: true, endReason: 'resolved', endedBy: 'customer' }),
        );
      else b.markEnded(id);
    }
    expect(b.size).toBe(3);
    expect(forgotten).toEqual(['c1', 'c2']);
    expect(b.call('live')?.ended).toBe(false);
    expect(b.reply('live', 'agent', 0)?.text).toBe('still talking');
    for (const id of ['c1', 'c2']) {
      expect(b.call(id)).toMatchObject({ ended: true, forgotten: true });
      expect(b.reply(id, 'agent', 0)).toBeUndefined();
    }
    expect(b.callIdOfConference('CF0')).toBeUndefined();
    expect(b.callIdOfConference('CF1')).toBeUndefined();
    // The newest ended calls still answer a late webhook: ended, with the line already spoken.
    expect(b.call('c4')?.ended).toBe(true);
    expect(b.reply('c3', 'customer', 1)?.text).toBe('bye');
    expect(b.callIdOfConference('CF3')).toBe('c4');
  });

  it('keeps a forgotten call ended: a late plan, reply, conference or end brings nothing back', () => {
    const b = new CallBook({ ttlMs: 60_000, now: () => 0, retainEnded: 1 });
    for (const id of ['c1', 'c2']) {
      b.plan(exampleEvents(id).CallPlanned);
      b.markEnded(id);
    }
    expect(b.size).toBe(1);
    b.plan(exampleEvents('c1').CallPlanned);
    expect(b.offerReply(replyEvent('c1', 'agent', 2, 'replayed')).accepted).toBe(false);
    b.rememberConference('CF9', 'c1');
    b.markEnded('c1');
    expect(b.size).toBe(1);
    expect(b.reply('c1', 'agent', 2)).toBeUndefined();
    expect(b.callIdOfConference('CF9')).toBeUndefined();
    expect(b.call('c1')).toMatchObject({ ended: true, endDecided: true, forgotten: true });
  });

  it('forgets calls after the TTL', () => {
    let now = 0;
    const b = book(() => now);
    b.plan(exampleEvents('c1').CallPlanned);
    now = 60_001;
    expect(b.call('c1')).toBeUndefined();
  });
});
