import { exampleEvents } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder, type GroundTruth, MAX_ORPHAN_CALLS, outcomeOf } from './dataset.js';

const ev = exampleEvents('call-7');
const reply = (turn: number, text: string, extra: Partial<typeof ev.ReplyReady> = {}) => ({
  ...ev.ReplyReady,
  eventId: `r${turn}`,
  role: turn % 2 === 0 ? ('agent' as const) : ('customer' as const),
  turn,
  text,
  ...extra,
});
const heard = (turn: number, text: string) => ({
  ...ev.UtteranceHeard,
  role: turn % 2 === 0 ? ('customer' as const) : ('agent' as const),
  turn,
  text,
  confidence: 0.8,
});

describe('DatasetBuilder', () => {
  it('joins what each role said with what the other heard, keeping the first reply of a turn', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello, Marcus speaking.'));
    d.onHeard(heard(0, 'hello marcus speaking'));
    d.onReply(reply(1, 'I was billed twice.', { fallback: true }));
    d.onReply(reply(1, 'A late engine line that was never spoken.'));
    const t = d.transcript('call-7');
    expect(t.turns.map((x) => [x.turn, x.role, x.said, x.heard, x.fallback])).toEqual([
      [0, 'agent', 'Hello, Marcus speaking.', 'hello marcus speaking', false],
      [1, 'customer', 'I was billed twice.', null, true],
    ]);
    expect(d.record('call-7')).toMatchObject({
      turnCount: 2,
      fallbackTurns: 1,
      outcome: null,
      synthetic: true,
    });
  });

  it('applies events that arrive before their call was planned', () => {
    const d = new DatasetBuilder();
    d.onReply(reply(0, 'Early line.'));
    d.onLifecycle({ ...ev.CallLifecycle, type: 'call_ended', endReason: 'escalated', endedBy: 'agent' });
    expect(d.callIds()).toEqual([]);
    d.onPlanned(ev.CallPlanned);
    expect(d.transcript('call-7').turns).toHaveLength(1);
    expect(d.isFinished('call-7')).toBe(true);
    expect(d.record('call-7')).toMatchObject({
      endReason: 'escalated',
      endedBy: 'agent',
      outcome: 'escalated',
    });
  });

  it('measures duration from conference start to end, in the clock of the callbacks', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onLifecycle({
      ...ev.CallLifecycle,
      type: 'conference_started',
      occurredAt: new Date('2026-01-01T00:00:00Z'),
    });
    d.onLifecycle({
      ...ev.CallLifecycle,
      type: 'conference_ended',
      occurredAt: new Date('2026-01-01T00:01:34.500Z'),
    });
    expect(d.record('call-7')).toMatchObject({ durationSec: 94.5, startedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('takes labels from the provider’s ground truth in the newest conversation state, else from the plan', () => {
    const truth: GroundTruth = {
      intendedOutcome: 'escalated',
      demeanor: 'angry',
      demeanorTrajectory: [
        { turn: 1, demeanor: 'angry' },
        { turn: 7, demeanor: 'frustrated' },
      ],
      spokenPii: [{ type: 'account_number', value: '4417', turn: 3, start: 10, end: 14 }],
    };
    const d = new DatasetBuilder((s) => (s.version >= 2 ? truth : null));
    d.onPlanned(ev.CallPlanned);
    expect(d.labels('call-7')).toMatchObject({ source: 'plan', intendedOutcome: 'resolved', spokenPii: [] });
    d.onState({ ...ev.ConversationState, version: 2 });
    d.onState({ ...ev.ConversationState, version: 1 });
    expect(d.labels('call-7')).toMatchObject({
      source: 'provider',
      intendedOutcome: 'escalated',
      demeanor: 'angry',
    });
    expect(d.labels('call-7').spokenPii).toEqual(truth.spokenPii);
  });

  it('maps every end reason to an outcome', () => {
    expect(outcomeOf('resolved')).toBe('resolved');
    expect(outcomeOf('escalated')).toBe('escalated');
    expect(outcomeOf('customer_abandoned')).toBe('abandoned');
    for (const r of ['max_turns', 'loop_detected', 'time_limit', 'error'] as const)
      expect(outcomeOf(r)).toBe('unresolved');
    expect(outcomeOf(null)).toBeNull();
  });

  it('marks a call that failed to start as finished with no outcome', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    expect(d.isFinished('call-7')).toBe(false);
    d.onLifecycle({ ...ev.CallLifecycle, type: 'call_failed' });
    expect(d.isFinished('call-7')).toBe(true);
    expect(d.record('call-7').outcome).toBeNull();
  });
});

describe('DatasetBuilder memory', () => {
  it('drops a forgotten call and ignores its later events, so a redelivery does not bring it back', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello.'));
    expect(d.size).toBe(1);
    d.forget('call-7');
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(1, 'Hi.'));
    expect(d.size).toBe(0);
    expect(d.waitingCalls).toBe(0);
    expect(d.has('call-7')).toBe(false);
  });

  it('holds events of calls whose plan never comes for at most MAX_ORPHAN_CALLS calls, dropping the oldest', () => {
    const d = new DatasetBuilder();
    for (let i = 0; i <= MAX_ORPHAN_CALLS; i++) d.onReply(reply(0, 'x', { callId: `lost-${i}` }));
    expect(d.waitingCalls).toBe(MAX_ORPHAN_CALLS);
    // The oldest was dropped: its plan arriving now finds no turns; the newest kept its turn.
    d.onPlanned({ ...ev.CallPlanned, callId: 'lost-0' });
    d.onPlanned({ ...ev.CallPlanned, callId: `lost-${MAX_ORPHAN_CALLS}` });
    expect(d.transcript('lost-0').turns).toEqual([]);
    expect(d.transcript(`lost-${MAX_ORPHAN_CALLS}`).turns).toHaveLength(1);
  });

  it('lists as abandoned the unfinished calls, planned or waiting for their plan, with no event since the given time', () => {
    let now = 1_000;
    const d = new DatasetBuilder(undefined, () => now);
    d.onPlanned({ ...ev.CallPlanned, callId: 'quiet' });
    d.onPlanned({ ...ev.CallPlanned, callId: 'talking' });
    d.onReply(reply(0, 'x', { callId: 'no-plan' }));
    d.onReply(reply(0, 'x', { callId: 'no-plan-talking' }));
    d.onPlanned({ ...ev.CallPlanned, callId: 'ended' });
    d.onLifecycle({
      ...ev.CallLifecycle,
      callId: 'ended',
      type: 'call_ended',
      endReason: 'resolved',
      endedBy: 'agent',
    });
    now = 5_000;
    d.onReply(reply(1, 'y', { callId: 'talking' }));
    d.onReply(reply(1, 'y', { callId: 'no-plan-talking' }));
    expect(d.abandoned(4_000).sort()).toEqual(['no-plan', 'quiet']);
    expect(d.abandoned(6_000).sort()).toEqual(['no-plan', 'no-plan-talking', 'quiet', 'talking']);
    d.forget('no-plan');
    expect(d.waitingCalls).toBe(1);
  });
});

describe('DatasetBuilder with Voice Intelligence', () => {
  it('keeps the first transcript of a call with the recording’s channel roles, and knows when a call still waits for it', () => {
    const ev = exampleEvents('call-7');
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    expect(d.hasIntelligenceOrNone('call-7')).toBe(true);
    d.onRecording(ev.RecordingCompleted);
    expect(d.hasIntelligenceOrNone('call-7')).toBe(false);
    expect(d.intelligence('call-7')).toBeNull();
    d.onTranscript(ev.TranscriptAnalyzed);
    d.onTranscript({ ...ev.TranscriptAnalyzed, transcriptSid: `GT${'f'.repeat(32)}` });
    expect(d.hasIntelligenceOrNone('call-7')).toBe(true);
    const record = d.intelligence('call-7');
    expect(record).toMatchObject({
      synthetic: true,
      transcriptSid: ev.TranscriptAnalyzed.transcriptSid,
      channelRoles: [
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ],
    });
    expect(record?.operatorResults[0]).toMatchObject({ name: 'Sentiment Analysis', raw: {} });
  });
});
