import { exampleEvents } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder, MAX_ORPHAN_CALLS, outcomeOf } from './dataset.js';

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

/** The schema's example ground truth, its name span pointed at 'Dana' in turn 1's line. */
const truth = {
  ...ev.GroundTruthRecorded,
  pii: [{ type: 'person_name', value: 'Dana', turn: 1, start: 9, end: 13 }],
};

describe('DatasetBuilder', () => {
  it('joins what each role said with what the other heard, the lines being those the gateway recorded as spoken', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello, Marcus speaking.'), true);
    d.onHeard(heard(0, 'hello marcus speaking'));
    d.onReply(reply(1, 'I was billed twice.', { fallback: true }), true);
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

  it('leaves out a line the engine produced that no gateway recorded as spoken, however it ended', () => {
    // The gateway crashed while holding the greeting's webhook; Twilio said its application error and hung up, and
    // the engine's greeting arrived on the topic anyway. Nobody heard it, so it is no line of the transcript.
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello, Marcus speaking.'));
    d.onLifecycle({ ...ev.CallLifecycle, type: 'call_ended', endReason: 'error', endedBy: null });
    expect(d.transcript('call-7').turns).toEqual([]);
    expect(d.record('call-7')).toMatchObject({ turnCount: 0, fallbackTurns: 0, endReason: 'error' });
  });

  it('records the fallback the gateway says it spoke over an engine line that came first on the topic, in any order', () => {
    // After a broker restart the engine's late line for turn 1 is first on `replies`; the gateway had already spoken
    // its fallback (its echo never came back in time) and records what it spoke.
    const engineLine = reply(1, 'The engine line nobody heard.');
    const spoken = reply(1, 'Sorry, could you say that again?', { fallback: true });
    for (const order of [
      [engineLine, spoken],
      [spoken, engineLine],
    ]) {
      const d = new DatasetBuilder();
      d.onPlanned(ev.CallPlanned);
      d.onReply(reply(0, 'Hello, Marcus speaking.'), true);
      for (const r of order) d.onReply(r, r === spoken);
      const t = d.transcript('call-7');
      expect(t.turns.map((x) => [x.turn, x.said, x.fallback])).toEqual([
        [0, 'Hello, Marcus speaking.', false],
        [1, 'Sorry, could you say that again?', true],
      ]);
      expect(d.record('call-7').fallbackTurns).toBe(1);
    }
  });

  it('applies events that arrive before their call was planned', () => {
    const d = new DatasetBuilder();
    d.onReply(reply(0, 'Early line.'), true);
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

  it('takes labels from the highest version of the ground truth, in any arrival order, else from the plan', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'How can I help?'), true);
    d.onReply(reply(1, 'Hi, I am Dana and I was charged twice.'), true);
    expect(d.labels('call-7')).toMatchObject({
      source: 'plan',
      intendedOutcome: 'resolved',
      demeanor: ev.CallPlanned.scenario.demeanor,
      spokenPii: [],
      droppedPii: [],
      provider: null,
      model: null,
      groundTruthVersion: null,
      turnsRealizedBy: { model: 0, template: 0, fallback: 0 },
    });
    const v2 = {
      ...truth,
      version: 2,
      provider: 'openai',
      model: 'smollm2-135m',
      intendedOutcome: 'customer_abandoned' as const,
      demeanorTrajectory: [
        { turn: 1, demeanor: 'angry' },
        { turn: 7, demeanor: 'frustrated' },
      ],
    };
    d.onGroundTruth(v2);
    // A redelivered older version does not replace the newer one.
    d.onGroundTruth({ ...truth, version: 1, provider: 'scripted' });
    expect(d.labels('call-7')).toMatchObject({
      source: 'provider',
      provider: 'openai',
      model: 'smollm2-135m',
      groundTruthVersion: 2,
      intendedOutcome: 'abandoned',
      demeanor: 'angry',
      demeanorTrajectory: v2.demeanorTrajectory,
      spokenPii: truth.pii,
      droppedPii: [],
      turnsRealizedBy: { model: 1, template: 1, fallback: 0 },
    });
  });

  it('labels only PII spans whose offsets hold their value in the text spoken, and drops the others', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    const line = 'Hi, I am Dana and my account is TC-6112.';
    d.onReply(reply(1, line), true);
    const span = (value: string, start: number, end = start + value.length, turn = 1) => ({
      type: 'person_name',
      value,
      turn,
      start,
      end,
    });
    const good = [span('Dana', 9), { ...span('TC-6112', 32), type: 'account_number' }];
    const bad = [
      span('Dana', 8), // one character off
      span('Dan', 9, 13), // value and range disagree
      span('Dana', 38), // past the end of the line
      span('Dana', 9, 9), // empty range
      span('Dana', 9, 13, 3), // a turn that was never spoken
    ];
    d.onGroundTruth({ ...ev.GroundTruthRecorded, pii: [...good, ...bad], turns: [] });
    const labels = d.labels('call-7');
    expect(labels.spokenPii).toEqual(good);
    expect(labels.droppedPii).toEqual(bad);
    for (const p of labels.spokenPii) expect(line.slice(p.start, p.end)).toBe(p.value);
  });

  it('a gateway fallback line loses the spans the engine recorded for its own late line, and counts as fallback', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'How can I help?'), true);
    // The gateway spoke a fallback for turn 1 first; the engine's line came too late and was not spoken.
    d.onReply(reply(1, 'Sorry, could you say that again?', { fallback: true }), true);
    d.onReply(reply(1, 'Hi, I am Dana and I was charged twice.'));
    d.onGroundTruth(truth);
    const labels = d.labels('call-7');
    expect(labels.spokenPii).toEqual([]);
    expect(labels.droppedPii).toEqual(truth.pii);
    expect(labels.turnsRealizedBy).toEqual({ model: 0, template: 1, fallback: 1 });
    expect(d.transcript('call-7').turns.map((t) => [t.turn, t.said, t.realizedBy, t.move])).toEqual([
      [0, 'How can I help?', 'template', 'greet'],
      [1, 'Sorry, could you say that again?', 'fallback', 'state_issue'],
    ]);
  });

  it('marks a turn’s realizedBy unknown when the ground truth recorded other words than those spoken', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(1, 'Some other words.'), true);
    d.onGroundTruth(truth);
    expect(d.transcript('call-7').turns).toMatchObject([{ turn: 1, realizedBy: null, move: 'state_issue' }]);
    expect(d.labels('call-7').turnsRealizedBy).toEqual({ model: 0, template: 0, fallback: 0 });
  });

  it("labels the recogniser's word error rate per turn and per role, from the words said and the words heard", () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello, Marcus speaking.'), true);
    d.onHeard(heard(0, 'hello marcus speaking'));
    d.onReply(reply(1, 'I was billed twice this month.'), true);
    d.onHeard(heard(1, 'i was build twice month'));
    d.onReply(reply(2, 'Let me look.'), true);
    d.onHeard(heard(2, 'let me look at'));
    d.onReply(reply(3, 'Goodbye.'), true);
    expect(d.labels('call-7').recogniserWer).toEqual({
      // Agent: 0 of 3 words, then 1 insertion over 3 words; customer: a substitution and a deletion over 6 words.
      agent: 1 / 6,
      customer: 2 / 6,
      turns: [
        { turn: 0, role: 'agent', words: 3, errors: 0, wer: 0 },
        { turn: 1, role: 'customer', words: 6, errors: 2, wer: 2 / 6 },
        { turn: 2, role: 'agent', words: 3, errors: 1, wer: 1 / 3 },
      ],
    });
  });

  it('records a line cut off by the other side as the words said before the cut, and labels the interruption', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello, Marcus speaking.'), true);
    d.onReply(reply(1, 'I am Dana, and my card number is 4111.'), true);
    d.onReply(reply(2, 'Okay, sorry.'), true);
    d.onGroundTruth({
      ...truth,
      pii: [
        { type: 'person_name', value: 'Dana', turn: 1, start: 5, end: 9 },
        { type: 'credit_card', value: '4111', turn: 1, start: 33, end: 37 },
      ],
      turns: [
        {
          turn: 1,
          role: 'customer',
          move: 'state_issue',
          realizedBy: 'template',
          text: 'I am Dana, and my',
          plannedPii: [],
        },
      ],
      interruptions: [
        {
          turn: 1,
          role: 'customer',
          by: 'agent',
          afterSec: 2,
          said: 'I am Dana, and my',
          cut: 'card number is 4111.',
        },
      ],
    });
    const t = d.transcript('call-7');
    expect(t.turns.find((x) => x.turn === 1)).toMatchObject({
      said: 'I am Dana, and my',
      realizedBy: 'template',
    });
    const labels = d.labels('call-7');
    // The card number was never said: its span is not a label of what was spoken.
    expect(labels.spokenPii.map((p) => p.value)).toEqual(['Dana']);
    expect(labels.droppedPii.map((p) => p.value)).toEqual(['4111']);
    expect(labels.interruptions).toEqual([
      {
        turn: 1,
        role: 'customer',
        by: 'agent',
        afterSec: 2,
        said: 'I am Dana, and my',
        cut: 'card number is 4111.',
        overlapStartSec: null,
        cutAtSec: null,
      },
    ]);
  });

  it('labels every misheard figure of the ground truth, noticed or not, and none for a call labelled from its plan', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'How can I help?'), true);
    d.onReply(reply(1, 'Hi, I am Dana and I was charged twice.'), true);
    expect(d.labels('call-7').misunderstandings).toEqual([]);
    const noticed = {
      turn: 3,
      role: 'customer' as const,
      said: 'TC-61129930',
      heard: 'TC-61729930',
      noticed: true,
      readBackTurn: 4,
      correctionTurn: 5,
    };
    const unnoticed = {
      turn: 8,
      role: 'agent' as const,
      said: '$91.17',
      heard: '$97.77',
      noticed: false,
      readBackTurn: null,
      correctionTurn: null,
    };
    d.onReply(reply(2, 'Can I have your account number?'), true);
    d.onReply(reply(3, 'It is TC-61129930.'), true);
    d.onReply(reply(4, 'Sorry, was that TC-61729930?'), true);
    d.onReply(reply(5, 'No, it is TC-61129930.'), true);
    d.onReply(reply(6, 'Thanks. What was the charge?'), true);
    d.onReply(reply(7, 'The charge was $91.17.'), true);
    d.onReply(reply(8, 'I see $91.17 twice.'), true);
    d.onGroundTruth({ ...truth, misunderstandings: [noticed, unnoticed] });
    expect(d.labels('call-7').misunderstandings).toEqual([noticed, unnoticed]);
  });

  it('labels no misheard figure on a line nobody said, and no read-back the gateway replaced with a fallback', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'How can I help?'), true);
    d.onReply(reply(1, 'It is TC-61129930.'), true);
    d.onReply(reply(2, 'Sorry, could you say that again?', { fallback: true }), true);
    d.onReply(reply(3, 'No, it is TC-61129930.'), true);
    d.onReply(reply(4, 'Sorry, could you say that again?', { fallback: true }), true);
    const readBackLost = {
      turn: 1,
      role: 'customer' as const,
      said: 'TC-61129930',
      heard: 'TC-61729930',
      noticed: true,
      readBackTurn: 2,
      correctionTurn: 3,
    };
    // The director's line at turn 4 held a figure, but the gateway spoke a fallback: nothing was misheard there.
    const neverSaid = {
      ...readBackLost,
      turn: 4,
      role: 'agent' as const,
      noticed: false,
      readBackTurn: null,
      correctionTurn: null,
    };
    d.onGroundTruth({ ...truth, misunderstandings: [readBackLost, neverSaid] });
    expect(d.labels('call-7').misunderstandings).toEqual([{ ...readBackLost, readBackTurn: null }]);
  });

  it('labels each deviation at the words spoken in its turn, and its repair only where the repairing line was spoken', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'How can I help?'), true);
    d.onReply(reply(1, 'Hi, I am Dana and I was charged twice.'), true);
    d.onReply(
      reply(2, 'I see June 6th, sorry, June 5th on the account. Could I have your account number?'),
      true,
    );
    d.onReply(reply(3, "I'd rather not give that over the phone."), true);
    d.onReply(reply(4, 'Sorry, could you say that again?', { fallback: true }), true);
    d.onReply(reply(5, 'Sure, that is 4821.'), true);
    d.onReply(reply(6, 'Thanks. The refund is $40.00.'), true);
    d.onReply(reply(7, 'Sorry, $40.00?'), true);
    d.onReply(reply(8, 'Sorry, my mistake: $45.00.'), true);
    const inTurn = {
      turn: 2,
      role: 'agent' as const,
      kind: 'self_correction' as const,
      words: 'June 6th, sorry, June 5th',
      wrong: 'June 6th',
      right: 'June 5th',
      repaired: true,
      repairTurn: 2,
    };
    const queried = { ...inTurn, turn: 6, words: '$40.00', wrong: '$40.00', right: '$45.00', repairTurn: 8 };
    // The agent's other route at turn 4 was replaced by a fallback: the refusal happened, its repair was not said.
    const refused = {
      turn: 3,
      role: 'customer' as const,
      kind: 'refusal' as const,
      words: "I'd rather not give that over the phone.",
      wrong: null,
      right: null,
      repaired: true,
      repairTurn: 4,
    };
    // A deviation the director planned into a line whose words are not those spoken is no label.
    const neverSaid = { ...refused, turn: 5, kind: 'off_question' as const, words: 'It is about my bill.' };
    d.onGroundTruth({ ...truth, deviations: [inTurn, refused, neverSaid, queried] });
    const labels = d.labels('call-7').deviations;
    expect(labels).toEqual([
      { ...inTurn, start: 6, end: 31 },
      { ...refused, start: 0, end: refused.words.length, repaired: false, repairTurn: null },
      { ...queried, start: 22, end: 28 },
    ]);
    const said = (turn: number) => d.transcript('call-7').turns.find((t) => t.turn === turn)?.said ?? '';
    for (const l of labels) expect(said(l.turn).slice(l.start, l.end)).toBe(l.words);
  });

  it('lists the calls that ended without a ground truth yet, not those still talking or that failed to start', () => {
    const d = new DatasetBuilder();
    for (const callId of ['talking', 'ended', 'labelled', 'failed'])
      d.onPlanned({ ...ev.CallPlanned, callId });
    const end = { ...ev.CallLifecycle, type: 'call_ended' as const, endReason: 'resolved' as const };
    d.onLifecycle({ ...end, callId: 'ended' });
    d.onLifecycle({ ...end, callId: 'labelled' });
    d.onLifecycle({ ...ev.CallLifecycle, callId: 'failed', type: 'call_failed' });
    d.onGroundTruth({ ...truth, callId: 'labelled' });
    expect(d.withoutGroundTruth()).toEqual(['ended']);
  });

  it('applies a ground truth that arrives before the call’s plan', () => {
    const d = new DatasetBuilder();
    d.onGroundTruth(truth);
    d.onPlanned(ev.CallPlanned);
    expect(d.groundTruthVersion('call-7')).toBe(1);
    expect(d.labels('call-7').source).toBe('provider');
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
    d.onReply(reply(0, 'Hello.'), true);
    expect(d.size).toBe(1);
    d.forget('call-7');
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(1, 'Hi.'), true);
    expect(d.size).toBe(0);
    expect(d.waitingCalls).toBe(0);
    expect(d.has('call-7')).toBe(false);
  });

  it('holds events of calls whose plan never comes for at most MAX_ORPHAN_CALLS calls, dropping the oldest', () => {
    const d = new DatasetBuilder();
    for (let i = 0; i <= MAX_ORPHAN_CALLS; i++) d.onReply(reply(0, 'x', { callId: `lost-${i}` }), true);
    expect(d.waitingCalls).toBe(MAX_ORPHAN_CALLS);
    // The oldest was dropped: its plan arriving now finds no turns; the newest kept its turn.
    d.onPlanned({ ...ev.CallPlanned, callId: 'lost-0' });
    d.onPlanned({ ...ev.CallPlanned, callId: `lost-${MAX_ORPHAN_CALLS}` });
    expect(d.transcript('lost-0').turns).toEqual([]);
    expect(d.transcript(`lost-${MAX_ORPHAN_CALLS}`).turns).toHaveLength(1);
  });

  it('lists as abandoned the unfinished calls, planned or waiting for their plan, with no event since the given time', () => {
    let now = 1_000;
    const d = new DatasetBuilder(() => now);
    d.onPlanned({ ...ev.CallPlanned, callId: 'quiet' });
    d.onPlanned({ ...ev.CallPlanned, callId: 'talking' });
    d.onReply(reply(0, 'x', { callId: 'no-plan' }), true);
    d.onReply(reply(0, 'x', { callId: 'no-plan-talking' }), true);
    d.onPlanned({ ...ev.CallPlanned, callId: 'ended' });
    d.onLifecycle({
      ...ev.CallLifecycle,
      callId: 'ended',
      type: 'call_ended',
      endReason: 'resolved',
      endedBy: 'agent',
    });
    now = 5_000;
    d.onReply(reply(1, 'y', { callId: 'talking' }), true);
    d.onReply(reply(1, 'y', { callId: 'no-plan-talking' }), true);
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

  it("times each turn by its run of sentences in the recording's transcript, up to a turn the recording lacks", () => {
    const ev = exampleEvents('call-7');
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(reply(0, 'Hello. How can I help?'), true);
    d.onReply(reply(1, 'I was billed twice.'), true);
    d.onReply(reply(2, 'Let me look. One moment.'), true);
    d.onReply(reply(3, 'Thanks.'), true);
    const sentence = (index: number, role: 'agent' | 'customer', startSec: number, endSec: number) => ({
      index,
      channel: role === 'agent' ? 2 : 1,
      role,
      startSec,
      endSec,
      text: 'x',
      confidence: 0.9,
    });
    d.onTranscript({
      ...ev.TranscriptAnalyzed,
      sentences: [
        sentence(1, 'agent', 1.5, 3),
        sentence(0, 'agent', 0, 1),
        sentence(2, 'customer', 3.5, 5),
        sentence(3, 'agent', 5.5, 6),
        sentence(4, 'agent', 48, 50),
      ],
    });
    expect(d.transcript('call-7').turns.map((t) => [t.turn, t.startSec, t.endSec])).toEqual([
      [0, 0, 3],
      [1, 3.5, 5],
      [2, 5.5, 50],
      [3, null, null],
    ]);
  });

  it('labels a hold with its place in call time, ending as the line after it starts, unless that line was a fallback', () => {
    const ev = exampleEvents('call-7');
    const sentence = (index: number, role: 'agent' | 'customer', startSec: number, endSec: number) => ({
      index,
      channel: role === 'agent' ? 2 : 1,
      role,
      startSec,
      endSec,
      text: 'x',
      confidence: 0.9,
    });
    const build = (afterHold: Partial<typeof ev.ReplyReady>) => {
      const d = new DatasetBuilder();
      d.onPlanned(ev.CallPlanned);
      d.onReply(reply(0, 'Bear with me, one moment.'), true);
      d.onReply(reply(1, "Sure, I'll hold."), true);
      d.onReply(reply(2, 'Thanks for holding.', afterHold), true);
      d.onGroundTruth({ ...truth, holds: [{ turn: 2, seconds: 95 }] });
      d.onTranscript({
        ...ev.TranscriptAnalyzed,
        sentences: [
          sentence(0, 'agent', 0, 2),
          sentence(1, 'customer', 3, 4),
          sentence(2, 'agent', 100, 101.5),
        ],
      });
      return d.labels('call-7').holds;
    };
    expect(build({ pauseSec: 95 })).toEqual([{ turn: 2, seconds: 95, startSec: 5, endSec: 100 }]);
    expect(build({ fallback: true })).toEqual([]);
  });
});
