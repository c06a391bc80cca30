import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WPM,
  speakingSeconds,
  spokenBefore,
  spokenSyllables,
  wordsPerMinute,
  wordTimings,
} from './index.js';

describe('wordsPerMinute', () => {
  it('gives known Polly voices a rate between 150 and 175 words per minute', () => {
    for (const voice of ['Polly.Joanna', 'Polly.Matthew', 'Polly.Amy', 'Polly.Brian']) {
      const wpm = wordsPerMinute(voice);
      expect(wpm).toBeGreaterThanOrEqual(150);
      expect(wpm).toBeLessThanOrEqual(175);
    }
  });

  it('falls back to the default rate for unknown and missing voices', () => {
    expect(wordsPerMinute('Google.en-US-Neural2-A')).toBe(DEFAULT_WPM);
    expect(wordsPerMinute('Polly.Nobody')).toBe(DEFAULT_WPM);
    expect(wordsPerMinute(undefined)).toBe(DEFAULT_WPM);
  });

  it('makes neural variants slightly faster than the standard voice of the same name', () => {
    expect(wordsPerMinute('Polly.Joanna-Neural')).toBeGreaterThan(wordsPerMinute('Polly.Joanna'));
  });
});

describe('speakingSeconds', () => {
  it('takes about as long as the voice rate says for ordinary prose', () => {
    const text =
      'Thank you for calling our support line today, I can certainly help you look into the charge on your bill';
    const words = text.split(' ').length;
    const expected = (words / 160) * 60;
    const actual = speakingSeconds(text, 'Polly.Matthew');
    expect(actual).toBeGreaterThan(expected * 0.7);
    expect(actual).toBeLessThan(expected * 1.4);
  });

  it('is longer for a slower voice', () => {
    const text = 'I would like to change my plan please';
    expect(speakingSeconds(text, 'Polly.Geraint')).toBeGreaterThan(speakingSeconds(text, 'Polly.Ivy'));
  });

  it('adds pauses for punctuation', () => {
    expect(speakingSeconds('Yes. I see. Right. Okay then', 'Polly.Joanna')).toBeGreaterThan(
      speakingSeconds('Yes I see right okay then', 'Polly.Joanna') + 1,
    );
  });

  it('is zero for empty or punctuation-only text', () => {
    expect(speakingSeconds('', 'Polly.Joanna')).toBe(0);
    expect(speakingSeconds(' ... ', 'Polly.Joanna')).toBe(0);
  });
});

describe('spokenSyllables', () => {
  it('reads digits one by one', () => {
    expect(spokenSyllables('555-0142')).toBeGreaterThanOrEqual(7);
  });

  it('counts long words as longer than short ones', () => {
    expect(spokenSyllables('unfortunately')).toBeGreaterThan(spokenSyllables('yes'));
  });
});

describe('wordTimings', () => {
  it('starts at the given offset and gives each word a positive, ordered span', () => {
    const timings = wordTimings('Hello, my name is Dana.', 'Polly.Joanna', 12.5);
    expect(timings.map((t) => t.word)).toEqual(['Hello,', 'my', 'name', 'is', 'Dana.']);
    expect(timings[0]?.startSec).toBe(12.5);
    for (const [i, t] of timings.entries()) {
      expect(t.endSec).toBeGreaterThan(t.startSec);
      const next = timings[i + 1];
      if (next) expect(next.startSec).toBeGreaterThanOrEqual(t.endSec);
    }
  });

  it('leaves a gap after a comma and none between plain words', () => {
    const [hello, my, name] = wordTimings('Hello, my name', 'Polly.Joanna', 0);
    expect((my?.startSec ?? 0) - (hello?.endSec ?? 0)).toBeGreaterThan(0.1);
    expect(name?.startSec).toBe(my?.endSec);
  });

  it('ends where speakingSeconds says, shifted by the start', () => {
    const text = 'Your order shipped yesterday, and it should arrive on Friday.';
    expect(wordTimings(text, 'Polly.Amy', 3).at(-1)?.endSec).toBeCloseTo(
      3 + speakingSeconds(text, 'Polly.Amy'),
      2,
    );
  });
});

describe('spokenBefore', () => {
  const line = 'Could I get the booking reference, the six characters on your confirmation?';
  it('finishes every word begun before the stop and leaves the rest unsaid, at word boundaries of the text', () => {
    const timings = wordTimings(line, 'Polly.Joanna');
    const third = timings[2];
    if (!third) throw new Error('no third word');
    const { said, rest } = spokenBefore(line, 'Polly.Joanna', third.startSec + 0.01);
    expect(said).toBe('Could I get');
    expect(rest).toBe('the booking reference, the six characters on your confirmation?');
    expect(line.startsWith(said)).toBe(true);
  });

  it('keeps the punctuation of the last word said, so offsets into the line hold in what was said', () => {
    const timings = wordTimings(line, 'Polly.Joanna');
    const sixth = timings[5];
    if (!sixth) throw new Error('no sixth word');
    expect(spokenBefore(line, 'Polly.Joanna', sixth.startSec + 0.01).said).toBe(
      'Could I get the booking reference,',
    );
  });

  it('says the whole line when the voice was done before the stop', () => {
    expect(spokenBefore(line, 'Polly.Joanna', speakingSeconds(line, 'Polly.Joanna') + 1)).toEqual({
      said: line,
      rest: '',
    });
  });
});
