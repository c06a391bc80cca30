import { describe, expect, it } from 'vitest';
import { analyzeTranscript, OPERATORS, operatorKindOf } from './analyze.js';
import { conversation, PARTICIPANTS } from './fixtures.test-support.js';

const GT = `GT${'a'.repeat(32)}`;
const SENTENCES = conversation([
  [2, 'Thank you for calling, my name is Priya, how can I help?'],
  [1, 'This is ridiculous, I was charged twice on my bill and I am really angry.'],
  [2, 'I am sorry, could I have your account number?'],
  [1, 'It is 4417 2209, and my email is jane dot doe at example dot com.'],
  [2, 'I have removed the duplicate charge from your bill.'],
  [1, 'Thank you so much, that is wonderful.'],
]);

describe('analyzeTranscript', () => {
  const results = analyzeTranscript({ transcriptSid: GT, sentences: SENTENCES, participants: PARTICIPANTS });
  const byName = (name: string) => {
    const result = results.find((r) => r.name === name);
    if (!result) throw new Error(`no result named ${name}`);
    return result;
  };

  it('returns one result per operator with stable LY SIDs and the transcript URL', () => {
    expect(results.map((r) => r.operator_sid)).toEqual(Object.values(OPERATORS).map((o) => o.sid));
    for (const r of results) {
      expect(r.operator_sid).toMatch(/^LY[0-9a-f]{32}$/);
      expect(r.transcript_sid).toBe(GT);
      expect(r.url).toBe(
        `https://intelligence.twilio.com/v2/Transcripts/${GT}/OperatorResults/${r.operator_sid}`,
      );
    }
  });

  it('fills every field of the spec, null where an operator has nothing to say', () => {
    const fields = [
      'operator_type',
      'name',
      'operator_sid',
      'extract_match',
      'match_probability',
      'normalized_result',
      'utterance_results',
      'utterance_match',
      'predicted_label',
      'predicted_probability',
      'label_probabilities',
      'extract_results',
      'text_generation_results',
      'json_results',
      'transcript_sid',
      'url',
    ];
    for (const r of results) expect(Object.keys(r).sort()).toEqual([...fields].sort());
    expect(byName('Sentiment Analysis').extract_results).toBeNull();
  });

  it('reports conversation sentiment with per-utterance labels', () => {
    const sentiment = byName('Sentiment Analysis');
    expect(sentiment.operator_type).toBe('conversation-classify');
    expect(sentiment.predicted_label).toBe('mixed');
    expect(sentiment.utterance_results).toHaveLength(SENTENCES.length);
    expect(sentiment.utterance_results?.[1]).toMatchObject({
      utterance_index: 1,
      predicted_label: 'negative',
    });
  });

  it('reports PII grouped by type, with the parts of each utterance', () => {
    const pii = byName('PII Extraction');
    expect(pii.operator_type).toBe('pii-extract');
    expect(pii.extract_match).toBe(true);
    expect(pii.extract_results).toMatchObject({
      account_number: ['44172209'],
      email: ['jane.doe@example.com'],
      person_name: ['Priya'],
    });
    expect(pii.utterance_results).toContainEqual(
      expect.objectContaining({
        utterance_index: 3,
        utterance_parts: expect.arrayContaining([
          expect.objectContaining({ label: 'account_number', text: '4417 2209' }),
        ]),
      }),
    );
  });

  it('classifies the call reason and summarises it', () => {
    expect(byName('Call Reason').predicted_label).toBe('billing');
    const summary = byName('Summarization');
    expect(summary.operator_type).toBe('text-generation');
    expect(summary.text_generation_results?.result).toContain('charged twice');
  });

  it('is deterministic and uses the given base URL', () => {
    const again = analyzeTranscript({
      transcriptSid: GT,
      sentences: SENTENCES,
      participants: PARTICIPANTS,
      baseUrl: 'http://127.0.0.1:4010/',
    });
    expect(again.map((r) => ({ ...r, url: '' }))).toEqual(results.map((r) => ({ ...r, url: '' })));
    expect(again[0]?.url.startsWith('http://127.0.0.1:4010/v2/Transcripts/')).toBe(true);
  });

  it("reports the service's attached operators under their own SIDs, skipping ones it cannot run", () => {
    const attached = [
      { sid: `LY${'1'.repeat(32)}`, name: 'Conversation Summary' },
      { sid: `LY${'2'.repeat(32)}`, name: 'Voicemail Detection' },
      { sid: `LY${'3'.repeat(32)}`, name: 'Sentiment' },
    ];
    const only = analyzeTranscript({
      transcriptSid: GT,
      sentences: SENTENCES,
      participants: PARTICIPANTS,
      operators: attached,
    });
    expect(only.map((r) => [r.operator_sid, r.name, r.operator_type])).toEqual([
      [`LY${'1'.repeat(32)}`, 'Conversation Summary', 'text-generation'],
      [`LY${'3'.repeat(32)}`, 'Sentiment', 'conversation-classify'],
    ]);
    expect(only[1]?.predicted_label).toBe(byName('Sentiment Analysis').predicted_label);
  });

  it('reads participant roles in any case', () => {
    const lower = analyzeTranscript({
      transcriptSid: GT,
      sentences: SENTENCES,
      participants: [
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ],
    });
    expect(lower).toEqual(results);
  });
});

describe('operatorKindOf', () => {
  it.each([
    ['Sentiment Analysis', 'sentiment'],
    ['PII Redaction', 'pii'],
    ['Entity Recognition', 'pii'],
    ['Summarization', 'summary'],
    ['Call Reason', 'callReason'],
    ['Intent Classifier', 'callReason'],
    ['Recording Disclosure', undefined],
  ])('maps %s to %s', (name, kind) => {
    expect(operatorKindOf(name)).toBe(kind);
  });
});
