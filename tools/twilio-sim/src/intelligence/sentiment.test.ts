import { describe, expect, it } from 'vitest';
import { conversation, PARTICIPANTS } from './fixtures.test-support.js';
import { analyzeSentiment } from './sentiment.js';

describe('analyzeSentiment', () => {
  it("labels an angry customer's lines negative", () => {
    const result = analyzeSentiment(
      conversation([
        [1, 'This is absolutely ridiculous, I have been charged twice and nobody helps me!'],
        [1, 'Your service is terrible and I am furious about it.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.utterances.map((u) => u.label)).toEqual(['negative', 'negative']);
    expect(result.label).toBe('negative');
  });

  it('labels a thankful close positive', () => {
    const result = analyzeSentiment(
      conversation([[1, 'Thank you so much, you have been really helpful. Have a wonderful day!']]),
      PARTICIPANTS,
    );
    expect(result.utterances[0]?.label).toBe('positive');
    expect(result.label).toBe('positive');
  });

  it('labels plain factual lines neutral', () => {
    const result = analyzeSentiment(
      conversation([
        [1, 'My order number is 48213.'],
        [1, 'I ordered it on the third of March.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.utterances.map((u) => u.label)).toEqual(['neutral', 'neutral']);
    expect(result.label).toBe('neutral');
  });

  it('calls a conversation that starts angry and ends grateful mixed', () => {
    const result = analyzeSentiment(
      conversation([
        [1, 'This is ridiculous, I was charged twice and I am really angry.'],
        [2, 'I am sorry, let me fix that for you right away.'],
        [1, 'My account number is 4417 2209.'],
        [1, 'Oh, thank you so much, that is wonderful, I really appreciate it.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.label).toBe('mixed');
  });

  it('labels one sentence mixed when its parts pull both ways', () => {
    const result = analyzeSentiment(
      conversation([[1, 'Thank you, you were wonderful. But the delivery was a horrible, awful mess.']]),
      PARTICIPANTS,
    );
    expect(result.utterances[0]?.label).toBe('mixed');
  });

  it("judges the conversation by the customer's lines, not the agent's politeness", () => {
    const result = analyzeSentiment(
      conversation([
        [2, 'Wonderful, I am so happy to help you today, thank you for your patience!'],
        [1, 'This is awful. I am very angry and disappointed with your terrible service.'],
        [2, 'I completely understand, thank you, that is great.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.label).toBe('negative');
    expect(result.utterances[0]?.label).toBe('positive');
  });

  it('gives probabilities that sum to one and name the predicted label as most likely', () => {
    const result = analyzeSentiment(
      conversation([[1, 'I hate waiting this long, it is awful.']]),
      PARTICIPANTS,
    );
    const u = result.utterances[0];
    if (!u) throw new Error('expected one utterance');
    const sum = Object.values(u.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 3);
    expect(u.probability).toBe(Math.max(...Object.values(u.probabilities)));
    expect(u.probabilities[u.label]).toBe(u.probability);
  });
});
