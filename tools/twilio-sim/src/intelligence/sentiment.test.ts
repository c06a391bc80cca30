import { describe, expect, it } from 'vitest';
import { analyzeTranscript, OPERATORS } from './analyze.js';
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

/**
 * What a real sentiment classifier reads from a contact-center customer: complaints made in words a general lexicon
 * does not score ("on hold forever", "third time I'm calling"), relief, and the spoken discourse markers ("okay",
 * "right", "alright") that carry no sentiment. Checked through the operator result the SDK reads.
 */
describe('the Sentiment Analysis operator over what the customer said', () => {
  const AGENT_LINES: readonly (readonly [2, string])[] = [
    [2, 'Thank you for calling, I am happy to help you today.'],
    [2, 'Wonderful, thank you for your patience.'],
  ];

  function sentimentResult(customerLines: readonly string[]) {
    const [greeting, thanks] = AGENT_LINES;
    if (!greeting || !thanks) throw new Error('expected two agent lines');
    const sentences = conversation([greeting, ...customerLines.map((line) => [1, line] as const), thanks]);
    const result = analyzeTranscript({
      transcriptSid: `GT${'b'.repeat(32)}`,
      sentences,
      participants: PARTICIPANTS,
      operators: [OPERATORS.sentiment],
    })[0];
    if (!result) throw new Error('expected the sentiment result');
    const utterances = (result.utterance_results ?? []) as {
      utterance_index: number;
      media_channel: number;
      predicted_label: string;
      predicted_probability: number;
      label_probabilities: Record<string, number>;
      score: number;
    }[];
    return { result, customer: utterances.filter((u) => u.media_channel === 1) };
  }

  function expectSdkShape({ result, customer }: ReturnType<typeof sentimentResult>) {
    expect(result.operator_type).toBe('conversation-classify');
    expect(result.name).toBe('Sentiment Analysis');
    expect(Object.keys(result.label_probabilities ?? {}).sort()).toEqual(
      ['mixed', 'negative', 'neutral', 'positive'].sort(),
    );
    const probabilities = Object.values(result.label_probabilities ?? {});
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(result.predicted_probability).toBe(Math.max(...probabilities));
    for (const u of customer) {
      expect(Object.keys(u).sort()).toEqual(
        [
          'label_probabilities',
          'media_channel',
          'predicted_label',
          'predicted_probability',
          'score',
          'utterance_index',
        ].sort(),
      );
      expect(u.label_probabilities[u.predicted_label]).toBe(u.predicted_probability);
      expect(u.score).toBeGreaterThanOrEqual(-1);
      expect(u.score).toBeLessThanOrEqual(1);
    }
  }

  it('calls a customer negative who complains of being on hold, calling again and having had enough', () => {
    const out = sentimentResult([
      'This is the third time I am calling about this.',
      "I've been on hold forever.",
      'My account number is 4417 2209.',
      "I've had enough of this, honestly.",
    ]);
    expectSdkShape(out);
    expect(out.customer.map((u) => u.predicted_label)).toEqual([
      'negative',
      'negative',
      'neutral',
      'negative',
    ]);
    expect(out.result.predicted_label).toBe('negative');
  });

  it('calls a relieved, grateful customer positive', () => {
    const out = sentimentResult([
      "Oh, that's such a relief.",
      'My order number is 48213.',
      "You've made my day.",
    ]);
    expectSdkShape(out);
    expect(out.customer.map((u) => u.predicted_label)).toEqual(['positive', 'neutral', 'positive']);
    expect(out.result.predicted_label).toBe('positive');
  });

  it('calls a customer who only answers questions neutral, discourse markers included', () => {
    const out = sentimentResult([
      'Okay, the account number is LI-PT-2290817.',
      'Right, the booking reference is QX7L2M.',
      'Alright, it was on November 12th.',
    ]);
    expectSdkShape(out);
    expect(out.customer.map((u) => u.predicted_label)).toEqual(['neutral', 'neutral', 'neutral']);
    expect(out.result.predicted_label).toBe('neutral');
  });

  it('gives the same result for the same transcript', () => {
    const lines = ["I've been on hold forever.", 'Thank you so much, that is wonderful.'];
    expect(sentimentResult(lines)).toEqual(sentimentResult(lines));
  });
});
