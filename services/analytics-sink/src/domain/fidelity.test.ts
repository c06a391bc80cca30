import { describe, expect, it } from 'vitest';
import {
  computeFidelity,
  confusion,
  DEMEANOR_TO_SENTIMENT,
  type FidelityCall,
  NOT_ENDED,
  normalisePii,
} from './fidelity.js';

interface CallSpec {
  id: string;
  category?: string;
  demeanor?: string;
  intended?: 'resolved' | 'escalated' | 'unresolved' | 'abandoned';
  outcome?: 'resolved' | 'escalated' | 'unresolved' | 'abandoned' | null;
  spoken?: Array<{ type: string; value: string }>;
  sentiment?: string;
  reason?: string;
  extracted?: Record<string, string[]>;
  noIntelligence?: boolean;
  noLabels?: boolean;
}

function call(s: CallSpec): FidelityCall {
  const operatorResults: NonNullable<FidelityCall['intelligence']>['operatorResults'] = [];
  const op = (name: string, predictedLabel: string | null, extractResults: Record<string, string[]> = {}) =>
    operatorResults.push({
      operatorSid: `LY${name}`,
      name,
      operatorType: 'conversation-classify',
      predictedLabel,
      predictedProbability: predictedLabel ? 0.9 : null,
      textResult: null,
      extractResults,
      raw: {},
    });
  if (s.sentiment) op('Sentiment Analysis', s.sentiment);
  if (s.reason) op('Call Reason', s.reason);
  if (s.extracted) op('PII Extraction', null, s.extracted);
  return {
    record: {
      callId: s.id,
      scenario: {
        industry: 'telecom',
        issueCategory: s.category ?? 'billing_dispute',
        issueComplexity: 2,
        demeanor: s.demeanor ?? 'calm',
        summary: 'x',
      },
      outcome: s.outcome === undefined ? 'resolved' : s.outcome,
    },
    labels: s.noLabels
      ? null
      : {
          intendedOutcome: s.intended ?? 'resolved',
          demeanor: s.demeanor ?? 'calm',
          spokenPii: (s.spoken ?? []).map((p, i) => ({ ...p, turn: i, start: 0, end: p.value.length })),
        },
    intelligence: s.noIntelligence ? null : { operatorResults },
  };
}

describe('confusion', () => {
  it('counts each (row, column) pair once and keeps the given order with unseen labels appended sorted', () => {
    const c = confusion(
      [
        ['a', 'a'],
        ['a', 'b'],
        ['z', 'y'],
      ],
      { rowOrder: ['b', 'a'], colOrder: ['a', 'b'] },
    );
    expect(c.rows).toEqual(['b', 'a', 'z']);
    expect(c.cols).toEqual(['a', 'b', 'y']);
    expect(c.counts).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(c.agreeing).toBe(1);
    expect(c.agreement).toBeCloseTo(1 / 3);
  });

  it('has no agreement figure when there is nothing to compare', () => {
    expect(confusion([]).agreement).toBeNull();
  });
});

describe('normalisePii', () => {
  it('ignores case, spacing and punctuation, and compares phone numbers by digits with or without +1', () => {
    expect(normalisePii('account_number', 'TC-6112 9930')).toBe(normalisePii('account_number', 'tc61129930'));
    expect(normalisePii('phone_number', '+1 (415) 555-0100')).toBe(
      normalisePii('phone_number', '415.555.0100'),
    );
    expect(normalisePii('person_name', 'Jerome')).not.toBe(normalisePii('person_name', 'Jeremy'));
  });
});

describe('computeFidelity', () => {
  const perfect = [
    call({
      id: 'c1',
      category: 'billing_dispute',
      demeanor: 'angry',
      sentiment: 'negative',
      reason: 'billing',
      intended: 'escalated',
      outcome: 'escalated',
      spoken: [
        { type: 'person_name', value: 'Ana Ruiz' },
        { type: 'email_address', value: 'ana@example.com' },
      ],
      extracted: { person_name: ['Ana Ruiz'], email: ['ANA@example.com'] },
    }),
    call({
      id: 'c2',
      category: 'outage',
      demeanor: 'friendly',
      sentiment: 'positive',
      reason: 'outage',
      intended: 'resolved',
      outcome: 'resolved',
      spoken: [{ type: 'account_number', value: 'AC-1' }],
      extracted: { account_number: ['ac 1'] },
    }),
  ];

  it('scores a dataset where every observation matches its label as 1 on all four comparisons', () => {
    const r = computeFidelity(perfect);
    expect(r.sentiment.byExpected.agreement).toBe(1);
    expect(r.sentiment.lenientAgreement).toBe(1);
    expect(r.callReason.confusion.agreement).toBe(1);
    expect(r.pii.overall).toMatchObject({ precision: 1, recall: 1, truePositives: 3 });
    expect(r.resolution.confusion.agreement).toBe(1);
    expect(r.withoutIntelligence).toEqual([]);
  });

  it('puts swapped predictions off the diagonal and scores them 0', () => {
    const swapped = [
      call({
        id: 'c1',
        category: 'billing_dispute',
        demeanor: 'angry',
        sentiment: 'positive',
        reason: 'outage',
        intended: 'escalated',
        outcome: 'resolved',
        spoken: [{ type: 'person_name', value: 'Ana Ruiz' }],
        extracted: { person_name: ['Bo Chen'] },
      }),
      call({
        id: 'c2',
        category: 'outage',
        demeanor: 'friendly',
        sentiment: 'negative',
        reason: 'billing',
        intended: 'resolved',
        outcome: 'escalated',
        spoken: [{ type: 'person_name', value: 'Bo Chen' }],
        extracted: { person_name: ['Ana Ruiz'] },
      }),
    ];
    const r = computeFidelity(swapped);
    const cell = (c: typeof r.callReason.confusion, row: string, col: string) =>
      c.counts[c.rows.indexOf(row)]?.[c.cols.indexOf(col)];

    expect(r.callReason.confusion.agreement).toBe(0);
    expect(cell(r.callReason.confusion, 'billing', 'outage')).toBe(1);
    expect(cell(r.callReason.confusion, 'outage', 'billing')).toBe(1);
    expect(cell(r.callReason.confusion, 'billing', 'billing')).toBe(0);

    expect(r.sentiment.lenientAgreement).toBe(0);
    expect(cell(r.sentiment.byDemeanor, 'angry', 'positive')).toBe(1);
    expect(cell(r.sentiment.byExpected, 'positive', 'negative')).toBe(1);

    expect(r.resolution.confusion.agreement).toBe(0);
    expect(cell(r.resolution.confusion, 'escalated', 'resolved')).toBe(1);
    expect(cell(r.resolution.confusion, 'resolved', 'escalated')).toBe(1);

    expect(r.pii.overall).toMatchObject({
      truePositives: 0,
      falsePositives: 2,
      falseNegatives: 2,
      precision: 0,
      recall: 0,
    });
  });

  it('separates precision from recall per type: extra extractions lower precision, missed ones lower recall', () => {
    const r = computeFidelity([
      call({
        id: 'c1',
        sentiment: 'neutral',
        reason: 'billing',
        spoken: [
          { type: 'person_name', value: 'Ana' },
          { type: 'phone_number', value: '+1 415 555 0100' },
          { type: 'street_address', value: '1 Main St' },
        ],
        extracted: {
          person_name: ['Ana', 'Renee', 'Kyle', 'Ana'],
          phone_number: ['(415) 555-0100'],
          identifier: ['ana', 'XYZ-9'],
        },
      }),
    ]);
    const byType = Object.fromEntries(r.pii.byType.map((s) => [s.type, s]));
    expect(byType.person_name).toMatchObject({ truePositives: 1, falsePositives: 2, falseNegatives: 0 });
    expect(byType.person_name?.precision).toBeCloseTo(1 / 3);
    expect(byType.person_name?.recall).toBe(1);
    expect(byType.phone_number).toMatchObject({ precision: 1, recall: 1 });
    // street_address is aligned to the operator's `address` type, which was not extracted.
    expect(byType.address).toMatchObject({ truePositives: 0, falseNegatives: 1, recall: 0, precision: null });
    expect(byType.identifier).toBeUndefined();
    expect(r.pii.unscored).toEqual({ extracted: 2, matchingSpoken: 1 });
  });

  it('counts calls without intelligence or labels instead of dropping them, and still scores their resolution', () => {
    const r = computeFidelity([
      ...perfect,
      call({ id: 'c3', noIntelligence: true, intended: 'resolved', outcome: null }),
      call({ id: 'c4', noLabels: true }),
    ]);
    expect(r.calls).toBe(4);
    expect(r.withoutIntelligence).toEqual(['c3']);
    expect(r.withoutLabels).toEqual(['c4']);
    expect(r.callReason.confusion.total).toBe(2);
    expect(r.resolution.confusion.total).toBe(3);
    const c = r.resolution.confusion;
    expect(c.counts[c.rows.indexOf('resolved')]?.[c.cols.indexOf(NOT_ENDED)]).toBe(1);
  });

  it('counts a call whose intelligence lacks an operator as missing that operator', () => {
    const r = computeFidelity([call({ id: 'c1', sentiment: 'neutral' })]);
    expect(r.callReason.missingOperator).toBe(1);
    expect(r.pii.missingOperator).toBe(1);
    expect(r.sentiment.missingOperator).toBe(0);
  });

  it('names demeanors and issue categories it has no mapping for', () => {
    const r = computeFidelity([
      call({
        id: 'c1',
        demeanor: 'ecstatic',
        category: 'space_travel',
        sentiment: 'positive',
        reason: 'other',
      }),
    ]);
    expect(r.sentiment.unmappedDemeanors).toEqual(['ecstatic']);
    expect(r.callReason.unmappedCategories).toEqual(['space_travel']);
    expect(r.callReason.confusion.agreement).toBe(0);
  });
});

describe('mapping tables', () => {
  it('accepts the expected sentiment of each demeanor', () => {
    for (const e of Object.values(DEMEANOR_TO_SENTIMENT)) expect(e.accepted).toContain(e.expected);
  });
});
