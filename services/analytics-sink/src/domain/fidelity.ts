import type { CallRecord, IntelligenceRecord, Labels } from './dataset.js';

/**
 * Label fidelity: what Voice Intelligence observed in a call compared with what the call was meant to be (its
 * ground-truth labels). Pure: the caller reads the dataset and hands the records in.
 */

export const SENTIMENT_LABELS = ['positive', 'neutral', 'mixed', 'negative'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentExpectation {
  /** The label a listener would most likely give a whole call with this customer. */
  expected: SentimentLabel;
  /** Labels still counted as agreeing: the operator scores the whole conversation, agent lines included. */
  accepted: readonly SentimentLabel[];
}

/**
 * Persona demeanors (@synthcall/personas `DEMEANORS`) to the conversation sentiment they should produce. A hostile
 * customer talking to a courteous agent often reads as `mixed` overall, hence the lenient sets.
 */
export const DEMEANOR_TO_SENTIMENT: Readonly<Record<string, SentimentExpectation>> = {
  angry: { expected: 'negative', accepted: ['negative', 'mixed'] },
  frustrated: { expected: 'negative', accepted: ['negative', 'mixed'] },
  impatient: { expected: 'negative', accepted: ['negative', 'mixed'] },
  anxious: { expected: 'mixed', accepted: ['mixed', 'negative'] },
  confused: { expected: 'mixed', accepted: ['mixed', 'neutral'] },
  skeptical: { expected: 'mixed', accepted: ['mixed', 'negative', 'neutral'] },
  calm: { expected: 'neutral', accepted: ['neutral', 'positive'] },
  businesslike: { expected: 'neutral', accepted: ['neutral', 'positive'] },
  polite: { expected: 'neutral', accepted: ['neutral', 'positive'] },
  curious: { expected: 'positive', accepted: ['positive', 'neutral'] },
  friendly: { expected: 'positive', accepted: ['positive', 'neutral'] },
};

export const CALL_REASONS = [
  'billing',
  'technical_support',
  'order_status',
  'refund',
  'cancellation',
  'account_access',
  'fraud',
  'booking_change',
  'outage',
  'plan_change',
  'other',
] as const;
export type CallReason = (typeof CALL_REASONS)[number];

/**
 * Persona issue categories to the Call Reason operator's label set. A copy of twilio-sim's table (the CLI must not
 * pull the simulator into production code); a test checks the two agree.
 */
export const ISSUE_CATEGORY_TO_CALL_REASON: Readonly<Record<string, CallReason>> = {
  billing_dispute: 'billing',
  payment_arrangement: 'billing',
  refund: 'refund',
  return: 'refund',
  order_status: 'order_status',
  damaged_or_wrong_item: 'order_status',
  address_change: 'other',
  product_inquiry: 'other',
  account_access: 'account_access',
  cancellation: 'cancellation',
  plan_change: 'plan_change',
  fraud: 'fraud',
  booking_change: 'booking_change',
  claim_status: 'other',
  technical_support: 'technical_support',
  outage: 'outage',
};

/**
 * Spoken-PII types (the dialogue's vocabulary) to the PII Extraction operator's types. Types not listed keep their
 * name (the identifier kinds are spelled the same in both). The operator's catch-all `identifier` has no spoken
 * counterpart: it is reported on its own, not scored.
 */
export const SPOKEN_PII_TO_OPERATOR_TYPE: Readonly<Record<string, string>> = {
  email_address: 'email',
  street_address: 'address',
  postal_code: 'address',
};
export const UNSCORED_OPERATOR_PII_TYPES: readonly string[] = ['identifier'];

export const OPERATOR_NAMES = {
  sentiment: 'Sentiment Analysis',
  pii: 'PII Extraction',
  callReason: 'Call Reason',
} as const;

/** One call of a dataset, as read from calls.jsonl, labels/ and intelligence/. */
export interface FidelityCall {
  record: Pick<CallRecord, 'callId' | 'scenario' | 'outcome'>;
  labels: Pick<Labels, 'intendedOutcome' | 'demeanor' | 'spokenPii'> | null;
  intelligence: Pick<IntelligenceRecord, 'operatorResults'> | null;
}

export interface Confusion {
  rows: string[];
  cols: string[];
  /** counts[row][col] */
  counts: number[][];
  total: number;
  /** Cells where the row's label equals the column's (or, with a custom rule, agrees with it). */
  agreeing: number;
  /** agreeing / total; null when there is nothing to compare. */
  agreement: number | null;
}

export interface PiiTypeScore {
  type: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
}

export interface FidelityReport {
  calls: number;
  /** Calls in calls.jsonl with no labels file: nothing to compare against. */
  withoutLabels: string[];
  /** Calls with labels but no intelligence file (no recording or transcript): observed metrics skip them. */
  withoutIntelligence: string[];
  sentiment: {
    /** Rows: the customer's demeanor (labels); columns: predicted conversation sentiment. */
    byDemeanor: Confusion;
    /** Rows: the expected sentiment of that demeanor; agreement here is the strict one. */
    byExpected: Confusion;
    /** Share of calls whose predicted label is in the demeanor's accepted set. */
    lenientAgreement: number | null;
    missingOperator: number;
    unmappedDemeanors: string[];
  };
  callReason: {
    confusion: Confusion;
    missingOperator: number;
    unmappedCategories: string[];
  };
  pii: {
    byType: PiiTypeScore[];
    overall: PiiTypeScore;
    /** Operator values of unscored types (e.g. `identifier`), and how many of them equal a spoken value. */
    unscored: { extracted: number; matchingSpoken: number };
    missingOperator: number;
  };
  resolution: {
    /** Rows: intended outcome (labels); columns: actual outcome (calls.jsonl, `not_ended` when null). */
    confusion: Confusion;
  };
}

export const NOT_ENDED = 'not_ended';

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/**
 * A confusion table over labelled pairs. `order` fixes the first labels of both axes (so empty classes still show);
 * labels seen but not in it are appended sorted.
 */
export function confusion(
  pairs: ReadonlyArray<readonly [string, string]>,
  options: {
    rowOrder?: readonly string[];
    colOrder?: readonly string[];
    agrees?: (row: string, col: string) => boolean;
  } = {},
): Confusion {
  const axis = (order: readonly string[], seen: string[]) => [
    ...order,
    ...[...new Set(seen)].filter((s) => !order.includes(s)).sort(),
  ];
  const rows = axis(
    options.rowOrder ?? [],
    pairs.map(([r]) => r),
  );
  const cols = axis(
    options.colOrder ?? [],
    pairs.map(([, c]) => c),
  );
  const counts = rows.map(() => cols.map(() => 0));
  const agrees = options.agrees ?? ((r: string, c: string) => r === c);
  let agreeing = 0;
  for (const [r, c] of pairs) {
    const row = counts[rows.indexOf(r)];
    const ci = cols.indexOf(c);
    if (row) row[ci] = (row[ci] ?? 0) + 1;
    if (agrees(r, c)) agreeing += 1;
  }
  return { rows, cols, counts, total: pairs.length, agreeing, agreement: ratio(agreeing, pairs.length) };
}

/** How a PII value is compared: case, spacing and punctuation do not matter; phone numbers compare by digits. */
export function normalisePii(type: string, value: string): string {
  const v = value.normalize('NFKC').toLowerCase();
  if (type === 'phone_number') {
    const digits = v.replace(/\D/g, '');
    // A national number read with or without the leading country code is the same number.
    return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  }
  return v.replace(/[^\p{L}\p{N}@]/gu, '');
}

export function operatorTypeOfSpoken(type: string): string {
  return SPOKEN_PII_TO_OPERATOR_TYPE[type] ?? type;
}

function operator(call: FidelityCall, name: string) {
  return call.intelligence?.operatorResults.find((o) => o.name === name);
}

function score(type: string, tp: number, fp: number, fn: number): PiiTypeScore {
  return {
    type,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  };
}

export function computeFidelity(calls: readonly FidelityCall[]): FidelityReport {
  const withoutLabels = calls.filter((c) => c.labels === null).map((c) => c.record.callId);
  const labelled = calls.filter(
    (c): c is FidelityCall & { labels: NonNullable<FidelityCall['labels']> } => c.labels !== null,
  );
  const withoutIntelligence = labelled.filter((c) => c.intelligence === null).map((c) => c.record.callId);
  const observed = labelled.filter((c) => c.intelligence !== null);

  // Sentiment vs demeanor.
  const sentimentPairs: Array<[string, string]> = [];
  const expectedPairs: Array<[string, string]> = [];
  const unmappedDemeanors = new Set<string>();
  let lenient = 0;
  let sentimentMissing = 0;
  for (const c of observed) {
    const predicted = operator(c, OPERATOR_NAMES.sentiment)?.predictedLabel;
    if (!predicted) {
      sentimentMissing += 1;
      continue;
    }
    const expectation = DEMEANOR_TO_SENTIMENT[c.labels.demeanor];
    if (!expectation) unmappedDemeanors.add(c.labels.demeanor);
    sentimentPairs.push([c.labels.demeanor, predicted]);
    expectedPairs.push([expectation?.expected ?? 'unmapped', predicted]);
    if (expectation?.accepted.includes(predicted as SentimentLabel)) lenient += 1;
  }
  const demeanorOrder = Object.keys(DEMEANOR_TO_SENTIMENT);
  const byDemeanor = confusion(sentimentPairs, {
    rowOrder: demeanorOrder.filter((d) => sentimentPairs.some(([r]) => r === d)),
    colOrder: SENTIMENT_LABELS,
    agrees: (d, s) => DEMEANOR_TO_SENTIMENT[d]?.accepted.includes(s as SentimentLabel) ?? false,
  });
  const byExpected = confusion(expectedPairs, { rowOrder: SENTIMENT_LABELS, colOrder: SENTIMENT_LABELS });

  // Call reason vs issue category.
  const reasonPairs: Array<[string, string]> = [];
  const unmappedCategories = new Set<string>();
  let reasonMissing = 0;
  for (const c of observed) {
    const predicted = operator(c, OPERATOR_NAMES.callReason)?.predictedLabel;
    if (!predicted) {
      reasonMissing += 1;
      continue;
    }
    const category = c.record.scenario.issueCategory;
    const expected = ISSUE_CATEGORY_TO_CALL_REASON[category];
    if (!expected) unmappedCategories.add(category);
    reasonPairs.push([expected ?? `unmapped:${category}`, predicted]);
  }
  const reasonConfusion = confusion(reasonPairs, { rowOrder: CALL_REASONS, colOrder: CALL_REASONS });

  // PII: per call and type, distinct normalised values spoken vs extracted.
  const tally = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (type: string, key: 'tp' | 'fp' | 'fn', n: number) => {
    const t = tally.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    t[key] += n;
    tally.set(type, t);
  };
  let piiMissing = 0;
  const unscored = { extracted: 0, matchingSpoken: 0 };
  for (const c of observed) {
    const op = operator(c, OPERATOR_NAMES.pii);
    if (!op) {
      piiMissing += 1;
      continue;
    }
    const spoken = new Map<string, Set<string>>();
    for (const p of c.labels.spokenPii) {
      const type = operatorTypeOfSpoken(p.type);
      const set = spoken.get(type) ?? new Set<string>();
      set.add(normalisePii(type, p.value));
      spoken.set(type, set);
    }
    const allSpoken = new Set([...spoken.values()].flatMap((s) => [...s]));
    const extracted = new Map<string, Set<string>>();
    for (const [type, values] of Object.entries(op.extractResults)) {
      const normalised = new Set(values.map((v) => normalisePii(type, v)));
      if (UNSCORED_OPERATOR_PII_TYPES.includes(type)) {
        unscored.extracted += normalised.size;
        unscored.matchingSpoken += [...normalised].filter((v) => allSpoken.has(v)).length;
        continue;
      }
      extracted.set(type, normalised);
    }
    for (const type of new Set([...spoken.keys(), ...extracted.keys()])) {
      const truth = spoken.get(type) ?? new Set<string>();
      const found = extracted.get(type) ?? new Set<string>();
      const tp = [...found].filter((v) => truth.has(v)).length;
      bump(type, 'tp', tp);
      bump(type, 'fp', found.size - tp);
      bump(type, 'fn', truth.size - tp);
    }
  }
  const byType = [...tally.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, t]) => score(type, t.tp, t.fp, t.fn));
  const sum = (k: 'truePositives' | 'falsePositives' | 'falseNegatives') =>
    byType.reduce((n, s) => n + s[k], 0);
  const overall = score('all', sum('truePositives'), sum('falsePositives'), sum('falseNegatives'));

  // Resolution: what the call reached vs what it was meant to reach.
  const outcomePairs = labelled.map((c): [string, string] => [
    c.labels.intendedOutcome,
    c.record.outcome ?? NOT_ENDED,
  ]);
  const outcomeOrder = ['resolved', 'escalated', 'unresolved', 'abandoned'];

  return {
    calls: calls.length,
    withoutLabels,
    withoutIntelligence,
    sentiment: {
      byDemeanor,
      byExpected,
      lenientAgreement: ratio(lenient, sentimentPairs.length),
      missingOperator: sentimentMissing,
      unmappedDemeanors: [...unmappedDemeanors].sort(),
    },
    callReason: {
      confusion: reasonConfusion,
      missingOperator: reasonMissing,
      unmappedCategories: [...unmappedCategories].sort(),
    },
    pii: { byType, overall, unscored, missingOperator: piiMissing },
    resolution: {
      confusion: confusion(outcomePairs, {
        rowOrder: outcomeOrder,
        colOrder: [...outcomeOrder, NOT_ENDED],
      }),
    },
  };
}
