import { describe, expect, it } from 'vitest';
import {
  FALLBACK_WORDINGS,
  fallbackReply,
  heardAfterSpeaking,
  PAUSE_MS,
  planWait,
  replyTurnAfter,
  speakerOf,
  waitedAfterRedirect,
} from './turns.js';

describe('turn rules', () => {
  it('gives even turns to the agent and odd turns to the customer, starting with the greeting', () => {
    expect([0, 1, 2, 3].map(speakerOf)).toEqual(['agent', 'customer', 'agent', 'customer']);
  });

  it('answers heard turn t with turn t + 1 and then listens for t + 2', () => {
    expect(replyTurnAfter(0)).toBe(1);
    expect(heardAfterSpeaking(replyTurnAfter(0))).toBe(2);
  });
});

describe('planWait', () => {
  it('holds at most the hold time while the budget lasts', () => {
    expect(planWait(0, 2000, 8000)).toEqual({ holdMs: 2000, exhausted: false });
  });

  it('shortens the last hold to what is left of the budget', () => {
    expect(planWait(7500, 2000, 8000)).toEqual({ holdMs: 500, exhausted: false });
  });

  it('never plans a negative hold when this webhook already used its hold', () => {
    expect(planWait(0, -300, 8000)).toEqual({ holdMs: 0, exhausted: false });
  });

  it('says the budget is spent once the wait reached the timeout', () => {
    expect(planWait(8000, 2000, 8000).exhausted).toBe(true);
    expect(planWait(9100, 2000, 8000).exhausted).toBe(true);
  });

  it("counts Twilio's pause between a redirect and the next wait", () => {
    expect(waitedAfterRedirect(1000, 250)).toBe(1000 + 250 + PAUSE_MS);
  });
});

describe('fallbackReply', () => {
  it('is a labelled reply for the same (callId, role, turn), never an end of call', () => {
    const reply = fallbackReply({
      callId: 'c1',
      role: 'customer',
      turn: 3,
      voice: { voice: 'Polly.Joanna-Neural', language: 'en-US' },
      producedAt: new Date(0),
    });
    expect(reply).toMatchObject({
      eventId: 'c1:reply:customer:3',
      role: 'customer',
      turn: 3,
      fallback: true,
      endCall: false,
      endReason: null,
      voice: 'Polly.Joanna-Neural',
    });
    expect(reply.text).not.toBe('');
  });

  it('greets rather than apologises when the greeting itself is missing', () => {
    const voice = { voice: 'v', language: 'en-US' };
    const greeting = fallbackReply({ callId: 'c', role: 'agent', turn: 0, voice, producedAt: new Date(0) });
    const later = fallbackReply({ callId: 'c', role: 'agent', turn: 2, voice, producedAt: new Date(0) });
    expect(greeting.text).not.toBe(later.text);
  });

  it('says only wordings listed in FALLBACK_WORDINGS, for every role, turn and closing line', () => {
    const voice = { voice: 'v', language: 'en-US' };
    for (const role of ['agent', 'customer'] as const)
      for (const turn of [0, 1, 2, 3, 10, 11])
        for (const closing of [false, true]) {
          if (speakerOf(turn) !== role) continue;
          const reply = fallbackReply({ callId: 'c', role, turn, voice, producedAt: new Date(0), closing });
          expect(FALLBACK_WORDINGS.has(reply.text), `${role} ${turn} ${closing}`).toBe(true);
        }
    expect(FALLBACK_WORDINGS.size).toBe(5);
  });
});
