import type { CallRecord, Transcript, TranscriptTurn } from '@synthcall/analytics-sink/dataset';
import { describe, expect, it } from 'vitest';
import {
  answers,
  computeRealism,
  isWord,
  type RealismCall,
  realismLines,
  substitutions,
  tokens,
} from './realism.js';

function turn(n: number, said: string, extra: Partial<TranscriptTurn> = {}): TranscriptTurn {
  return {
    turn: n,
    role: n % 2 === 0 ? 'agent' : 'customer',
    said,
    heard: said,
    startSec: null,
    endSec: null,
    confidence: 0.9,
    fallback: false,
    realizedBy: 'template',
    move: null,
    ...extra,
  };
}

function call(id: string, turns: TranscriptTurn[], over: Partial<CallRecord> = {}): RealismCall {
  const transcript: Transcript = { callId: id, synthetic: true, turns };
  return {
    record: {
      callId: id,
      requestId: 'r',
      customerId: 'c',
      agentId: 'a',
      scenario: {
        industry: 'banking',
        issueCategory: 'fraud',
        issueComplexity: 2,
        demeanor: 'calm',
        summary: 'Three charges I never made showed up on my debit card last week.',
      },
      strategy: 'matched',
      pairingScore: 1,
      expectedOutcome: 'resolved',
      outcome: 'resolved',
      endReason: 'resolved',
      endedBy: 'agent',
      turnCount: turns.length,
      startedAt: null,
      durationSec: null,
      fallbackTurns: 0,
      synthetic: true,
      ...over,
    },
    labels: { spokenPii: [] },
    intelligence: null,
    transcript,
  };
}

const measure = (calls: RealismCall[], name: string) => {
  const m = computeRealism(calls).measures.find((x) => x.name.startsWith(name));
  if (!m) throw new Error(`no measure ${name}`);
  return m;
};

describe('recogniser substitutions', () => {
  it('aligns said with heard and keeps only the words that differ', () => {
    expect(substitutions(tokens('I have a card for you'), tokens('I have the cart four you'))).toEqual([
      ['a', 'the'],
      ['card', 'cart'],
      ['for', 'four'],
    ]);
    expect(substitutions(tokens('it is late'), tokens('it late'))).toEqual([]);
  });

  it('tells real words, numbers and contractions from forms no recogniser outputs', () => {
    const none = new Set<string>();
    for (const w of ['cart', 'four', "you're", "didn't", '$12.50', '3rd', 'e-mail', 'gmi-au-3091174'])
      expect(isWord(w, none)).toBe(true);
    for (const w of ['yous', "i'ms", 'withs', "you'v", 'befor']) expect(isWord(w, none)).toBe(false);
    expect(isWord('autopay', new Set(['autopay']))).toBe(true);
  });

  it('counts the share of substitutions that are not words', () => {
    const calls = [call('a', [turn(0, 'thank you for calling', { heard: 'thank yous four calling' })])];
    expect(measure(calls, 'recogniser substitutions').value).toBe('50.0%');
  });
});

describe('question–answer fit', () => {
  it('wants a yes or no for a yes/no question, a figure for a how-much question', () => {
    expect(answers('do you have the card with you?', 'Yes, right here.')).toBe(true);
    expect(answers('how much was the charge?', 'It was $40.')).toBe(true);
    expect(answers('how long will this take?', 'Would you like autopay on it?')).toBe(false);
    expect(answers('how long will this take?', "I'm afraid I can't say.")).toBe(true);
    expect(answers('what happened?', 'Is that important?')).toBe(false);
  });
});

describe('computeRealism', () => {
  const turns = [
    turn(0, 'Thank you for calling, how can I help?', { move: 'greet' }),
    turn(1, 'Um, yeah, three charges I never made showed up on my debit card last week.'),
    turn(2, 'Sorry, could you say that again?', { move: 'reprompt' }),
    turn(3, 'Okay.'),
  ];

  it('measures turn length, short turns, fillers and repairs from the spoken words', () => {
    const calls = [call('a', turns)];
    expect(measure(calls, 'words per turn').value).toBe('7');
    expect(measure(calls, 'turns of ≤ 2 words').value).toBe('25.0%');
    expect(measure(calls, 'fillers').value).toBe((100 / 30).toFixed(2));
    expect(measure(calls, 'calls with a repair').value).toBe('100.0%');
  });

  it("finds the persona's issue spoken word for word, and a line from another industry", () => {
    const calls = [
      call('a', turns),
      call('b', [turn(0, 'Hello.'), turn(1, 'My router keeps dropping.')], {
        scenario: {
          industry: 'travel',
          issueCategory: 'fraud',
          issueComplexity: 1,
          demeanor: 'calm',
          summary: 'x',
        },
      }),
    ];
    expect(measure(calls, "calls speaking ≥ 8 words of the persona's issue").value).toBe('50.0%');
    expect(measure(calls, "lines naming another industry's").value).toBe('1');
  });

  it('finds holds in the silences of the recording, and turns without timing', () => {
    const held = call('a', turns);
    held.intelligence = {
      sentences: [
        { index: 0, channel: 1, role: 'agent', startSec: 0, endSec: 2, text: 'One moment.', confidence: 0.9 },
        {
          index: 1,
          channel: 1,
          role: 'agent',
          startSec: 47,
          endSec: 49,
          text: 'Thanks for waiting.',
          confidence: 0.9,
        },
      ],
    };
    const m = measure([held, call('b', turns)], 'calls with a hold');
    expect(m.value).toMatch(/^100\.0%/);
    expect(measure([held], 'turns with startSec').value).toBe('0.0%');
  });

  it('measures labelled holds against the recording, silences, interruptions and the spread of confidence', () => {
    const sentence = (
      index: number,
      role: 'agent' | 'customer',
      startSec: number,
      endSec: number,
      confidence = 0.9,
    ) => ({
      index,
      channel: role === 'agent' ? 2 : 1,
      role,
      startSec,
      endSec,
      text: 'x',
      confidence,
    });
    const held = call('a', [...turns, turn(4, 'Are you still there?')]);
    held.labels = { spokenPii: [], holds: [{ turn: 4, seconds: 40, startSec: 10, endSec: 50 }] };
    held.intelligence = {
      sentences: [
        sentence(0, 'agent', 0, 2, 0.95),
        sentence(1, 'customer', 6, 8, 0.6),
        sentence(2, 'agent', 9, 10),
        sentence(3, 'agent', 50, 52),
      ],
    };
    // A hold the recording does not show, and a customer who talks over the agent.
    const wrong = call('b', turns);
    wrong.labels = {
      spokenPii: [],
      holds: [{ turn: 2, seconds: 35, startSec: 0, endSec: 35 }],
      interruptions: [
        {
          turn: 0,
          role: 'agent',
          by: 'customer',
          afterSec: 3,
          said: 'Thank you for calling,',
          cut: 'how can I help?',
          overlapStartSec: 3,
          cutAtSec: 4,
        },
      ],
    };
    wrong.intelligence = { sentences: [sentence(0, 'agent', 0, 4), sentence(1, 'customer', 3, 5)] };
    expect(measure([held, wrong], 'hold length').value).toBe(
      'median 37.5 s, p90 40 s, 100.0% ≥ 30 s; 50.0% silent in the recording',
    );
    expect(measure([held, wrong], 'hold length').met).toBe(false);
    expect(measure([held], 'hold length').met).toBe(true);
    expect(measure([held, wrong], 'calls with a silence').value).toBe(
      '50.0% ("are you still there?" in 50.0%)',
    );
    // One of the two calls had a line cut off, which the recording shows overlapping.
    expect(measure([held, wrong], 'calls with an interruption').value).toBe(
      '50.0% (1 lines cut, 100.0% overlapping in the recording; speech overlaps in 50.0% of calls)',
    );
    expect(measure([held], 'calls with an interruption').met).toBe(false);
    // A short hold (12 s) is a hold, not a caller's silence.
    const shortHold = call('c', turns);
    shortHold.labels = { spokenPii: [], holds: [{ turn: 2, seconds: 12, startSec: 2, endSec: 14 }] };
    shortHold.intelligence = { sentences: [sentence(0, 'customer', 0, 2), sentence(1, 'agent', 14, 16)] };
    expect(measure([shortHold], 'calls with a silence').value).toBe('0.0% ("are you still there?" in 0.0%)');
    expect(measure([held], 'sentence confidence').value).toBe('sd 0.139, 0.60–0.95');
  });

  it('counts a refusal as a deflection and a labelled off-question answer as no fit, and the calls with each deviation', () => {
    const deviation = {
      role: 'customer' as const,
      wrong: null,
      right: null,
      repaired: true,
      start: 0,
      end: 10,
    };
    const asked = [
      turn(0, 'Could I have your account number?', { move: 'verify' }),
      turn(1, "I'd rather not give that over the phone.", { move: 'refusal' }),
      turn(2, 'What are the last four digits of the phone number on the account?', { move: 'other_route' }),
      turn(3, 'Sure, that is 4821.'),
    ];
    const refused = call('r', asked);
    refused.labels = {
      spokenPii: [],
      deviations: [{ ...deviation, turn: 1, kind: 'refusal', words: asked[1]?.said ?? '', repairTurn: 3 }],
    };
    const offTurns = [
      turn(0, 'Could I have your account number?', { move: 'verify' }),
      // Its words would pass for an answer to a yes/no question; the labels say it answered another one.
      turn(1, "Well, it's about the charge on my card.", { move: 'off_question' }),
      turn(2, 'I will get to that. First, could I have your account number?', { move: 'ask_again' }),
      turn(3, "Oh, right. It's TC-61129930."),
    ];
    const off = call('o', offTurns);
    expect(measure([off], 'question–answer fit').value).toBe('100.0%');
    off.labels = {
      spokenPii: [],
      deviations: [
        { ...deviation, turn: 1, kind: 'off_question', words: offTurns[1]?.said ?? '', repairTurn: 3 },
      ],
    };
    const slipped = call('s', turns);
    slipped.labels = {
      spokenPii: [],
      deviations: [
        {
          ...deviation,
          turn: 2,
          role: 'agent',
          kind: 'self_correction',
          words: '$40, sorry, $45',
          wrong: '$40',
          right: '$45',
          repairTurn: 2,
        },
      ],
    };
    const calls = [refused, off, slipped];
    expect(measure([refused], 'question–answer fit').value).toBe('100.0%');
    expect(measure([off], 'question–answer fit').value).toBe('50.0%');
    expect(measure(calls, 'calls with an agent self-correction').value).toBe(
      '33.3% (1 figures misstated: 1 corrected in the same turn, 0 after the caller queried, 0 not corrected)',
    );
    expect(measure(calls, 'calls where the caller answers another question').value).toBe(
      '66.7% (1 off-question answers, 1 refusals; 100.0% answered after the agent asked again or offered another way)',
    );
  });

  it('scores outcome agreement on matched calls only, and checks every PII span against the spoken words', () => {
    const good = call('a', turns);
    good.labels = { spokenPii: [{ type: 'card_last4', value: 'debit', turn: 1, start: 53, end: 58 }] };
    const bad = call('b', turns, { outcome: 'escalated' });
    bad.labels = { spokenPii: [{ type: 'person_name', value: 'Ann', turn: 1, start: 0, end: 3 }] };
    const other = call('c', turns, { strategy: 'random', outcome: 'escalated' });
    expect(measure([good, bad, other], 'expected = actual').value).toBe('50.0%');
    const pii = measure([good, bad], 'PII spans');
    expect(pii.value).toBe('50.0% (1 of 2)');
    expect(pii.met).toBe(false);
  });

  it('prints each measure with its target and the share of calls outside it', () => {
    const lines = realismLines(computeRealism([call('a', turns)]));
    expect(lines[0]).toBe('realism (1 calls)');
    expect(lines.find((l) => l.includes('words per turn'))).toMatch(
      /7 {2}\[target ≤ 8; 0\.0% of calls outside\]/,
    );
  });

  it("measures the recogniser's word error rate per role, where its errors fall, and figures heard as digits", () => {
    const calls = [
      call('w', [
        turn(0, 'Could I have your account number please', {
          heard: 'Could I have your account number please',
        }),
        turn(1, 'It is 558213 and my name is Okonkwo', {
          heard: 'It is five five eight two one three and my name is okay',
        }),
        turn(2, 'Thank you I see the charge of 35 dollars', {
          heard: 'Thank you I see the charge of 35 dollars',
        }),
      ]),
    ];
    // What was said is compared in the words a recogniser writes: the customer's "558213" is the six words heard, so
    // only "Okonkwo" → "okay" is an error (1 of 13); the agent's "35" is said "thirty five" and heard as one token
    // "35" (a substitution and a deletion: 2 of 17).
    expect(measure(calls, 'recogniser WER').value).toBe('11.8% / 7.7%');
    // Hard words said: the figures' words and okonkwo, three of them misheard; common words: none misheard.
    expect(measure(calls, 'substitution rate on figures').value).toBe('n/a');
    // Two figures said (558213, 35); the agent's 35 is still digits in the recogniser's text.
    expect(measure(calls, 'figures and ids in spoken form').value).toBe('50.0%');
    expect(measure(calls, 'figures and ids in spoken form').met).toBe(false);
  });
});
