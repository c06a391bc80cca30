import { speakingSeconds } from '@synthcall/speech-timing';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../audio/random.js';
import { PARTICIPANTS } from './fixtures.test-support.js';
import { buildSentences, type SpokenTurn, toAnalysisSentences } from './sentences.js';

const TURNS: SpokenTurn[] = [
  {
    role: 'Customer',
    startSec: 4,
    text: 'Hi. I was charged twice this month.',
    voice: 'Polly.Joanna-Neural',
  },
  {
    role: 'Agent',
    startSec: 0,
    text: 'Thanks for calling, how can I help?',
    voice: 'Polly.Stephen-Neural',
    confidence: 0.8,
  },
];

describe('buildSentences', () => {
  const sentences = buildSentences(TURNS, PARTICIPANTS, { random: createRandom('t') });

  it('times a misheard turn by the words said, not by the words heard', () => {
    const said = 'Oh, okay, that makes sense to me.';
    const spoken: SpokenTurn = { role: 'Customer', startSec: 2, text: said, voice: 'Polly.Joanna-Neural' };
    const asSaid = buildSentences([spoken], PARTICIPANTS, { random: createRandom('s') });
    // The recogniser lost most of the words: the sentence still spans the stretch the caller spoke.
    const heard = buildSentences([{ ...spoken, text: 'Oh, okay.', spokenText: said }], PARTICIPANTS, {
      random: createRandom('s'),
    });
    expect(heard.map((s) => s.transcript)).toEqual(['Oh, okay.']);
    expect(heard[0]?.start_time).toBe(asSaid[0]?.start_time);
    expect(heard.at(-1)?.end_time).toBe(asSaid.at(-1)?.end_time);
  });

  it('splits turns into sentences, orders them by time across channels and numbers them from 0', () => {
    expect(sentences.map((s) => [s.sentence_index, s.media_channel, s.transcript])).toEqual([
      [0, 2, 'Thanks for calling, how can I help?'],
      [1, 1, 'Hi.'],
      [2, 1, 'I was charged twice this month.'],
    ]);
  });

  it('gives each sentence and word times from the voice rate, starting at the turn', () => {
    const [, hi, charged] = sentences;
    expect(Number(hi?.start_time)).toBe(4);
    expect(Number(charged?.start_time)).toBeGreaterThan(Number(hi?.end_time));
    expect(Number(charged?.end_time)).toBeCloseTo(
      4 + speakingSeconds(TURNS[0]?.text ?? '', 'Polly.Joanna-Neural'),
      2,
    );
    expect(charged?.words.map((w) => w.word)).toEqual(['I', 'was', 'charged', 'twice', 'this', 'month.']);
    for (const w of charged?.words ?? []) expect(Number(w.end_time)).toBeGreaterThan(Number(w.start_time));
  });

  it("uses the turn's confidence when given and a plausible one otherwise", () => {
    expect(sentences[0]?.confidence).toBe('0.8000');
    const drawn = Number(sentences[1]?.confidence);
    expect(drawn).toBeGreaterThanOrEqual(0.9);
    expect(drawn).toBeLessThan(0.98);
  });

  it('uses the spec shapes: GX SIDs, decimal strings for times and confidence', () => {
    for (const s of sentences) {
      expect(s.sid).toMatch(/^GX[0-9a-f]{32}$/);
      expect(s.start_time).toMatch(/^\d+(\.\d+)?$/);
      expect(s.confidence).toMatch(/^\d\.\d{4}$/);
    }
  });

  it('is deterministic for the same seed', () => {
    expect(buildSentences(TURNS, PARTICIPANTS, { random: createRandom('t') })).toEqual(sentences);
  });

  it('rejects a role no participant has, naming it', () => {
    expect(() =>
      buildSentences(TURNS, [{ channel: 1, role: 'Customer' }], { random: createRandom('t') }),
    ).toThrow(
      expect.objectContaining({
        code: 'SYNTH_TRANSCRIPT_INVALID',
        message: expect.stringContaining('Agent'),
      }),
    );
  });

  it('converts back to numeric analysis sentences', () => {
    const [first] = toAnalysisSentences(sentences);
    expect(first).toMatchObject({ mediaChannel: 2, sentenceIndex: 0, startTime: 0, confidence: 0.8 });
    expect(typeof first?.words[0]?.endTime).toBe('number');
  });
});
