import { writtenForm } from '@synthcall/spoken-form';
import type { ItemEntity, ItemToken } from 'wink-nlp';
import { nlp, readDoc } from './nlp.js';
import type { AnalysisSentence } from './types.js';

/**
 * PII types. The identifier kinds match the ones personas read out (`IDENTIFIER_KINDS` in @synthcall/personas),
 * so ground truth and what was observed join on `type`.
 */
export const PII_TYPES = [
  'person_name',
  'phone_number',
  'email',
  'address',
  'account_number',
  'order_number',
  'tracking_number',
  'booking_reference',
  'loyalty_number',
  'card_last4',
  'invoice_number',
  'policy_number',
  'claim_number',
  'member_id',
  'meter_number',
  'case_number',
  'date_of_birth',
  'identifier',
] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface PiiEntity {
  type: PiiType;
  /**
   * Normalised value: phone numbers in E.164, written codes as written ("BW-40718823"), spoken digits as digits
   * ("four four one seven" → "4417"), emails in lower case.
   */
  value: string;
  /** The text as it appears in the transcript. */
  text: string;
  sentenceIndex: number;
  mediaChannel: number;
  /** Character offsets of `text` in the sentence transcript, end exclusive. */
  start: number;
  end: number;
  /** How sure the extraction is, 0–1: a cue ("my account number is") or a library entity makes it surer. */
  confidence: number;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Cues that name the identifier that follows, nearest first wins. Searched in the text before the identifier,
 * including the previous sentence: "Can I have your order number?" — "Sure, it's 4 8 2 1 3."
 */
const CUES: ReadonlyArray<readonly [PiiType, RegExp]> = [
  ['date_of_birth', /\b(date of birth|birth ?date|born on|birthday|d\.?o\.?b)\b/g],
  ['phone_number', /\b(phone|cell|mobile|telephone|call ?back|call me|reach me|contact number)\b/g],
  ['card_last4', /\b(card|ending in|last four)\b/g],
  ['tracking_number', /\btracking\b/g],
  ['booking_reference', /\b(booking|reservation|confirmation)\b/g],
  ['loyalty_number', /\b(loyalty|rewards|frequent flyer)\b/g],
  ['invoice_number', /\b(invoice|bill number)\b/g],
  ['policy_number', /\bpolicy\b/g],
  ['claim_number', /\bclaim\b/g],
  ['member_id', /\b(member|membership)\b/g],
  ['meter_number', /\bmeter\b/g],
  ['case_number', /\b(case|ticket)\b/g],
  ['order_number', /\border\b/g],
  ['account_number', /\baccount\b/g],
];

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

const STREET_SUFFIX =
  '(?:Street|St\\.?|Avenue|Ave\\.?|Road|Rd\\.?|Boulevard|Blvd\\.?|Lane|Ln\\.?|Drive|Dr\\.?|Court|Ct\\.?|Way|Place|Pl\\.?|Terrace|Circle|Parkway|Highway|Square)';
/** "42 Oak Street", optionally ", Apt 4B", ", Springfield", " IL", " 62704". */
const ADDRESS = new RegExp(
  `\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}?${STREET_SUFFIX}(?![a-z])` +
    '(?:,?\\s+(?:Apt\\.?|Apartment|Suite|Unit)\\s*[A-Za-z0-9]+)?' +
    '(?:,\\s*[A-Z][a-z]+(?:\\s[A-Z][a-z]+)?)?' +
    '(?:,?\\s+[A-Z]{2}\\b)?(?:,?\\s+\\d{5}\\b)?',
  'g',
);
const SPOKEN_EMAIL =
  /\b([a-z0-9]+(?:\s+(?:dot|underscore|dash)\s+[a-z0-9]+)*)\s+at\s+([a-z0-9-]+(?:\s+dot\s+[a-z]{2,})+)\b/gi;
/** A person name is not introduced by these: "from Acme", "calling Acme", "at Walmart", "in Denver". */
const NOT_A_NAME_BEFORE = new Set([
  'from',
  'at',
  'in',
  'on',
  'to',
  'calling',
  'with',
  'into',
  'called',
  'the',
  'a',
  'an',
  'your',
  'our',
  'my',
  'his',
  'her',
  'their',
  'this',
  'that',
]);
/** A proper-noun run ending in one of these is an organisation: "Brightwave Wireless", "Northwind Energy". */
const ORGANISATION_END =
  /^(Wireless|Mobile|Telecom|Cable|Internet|Bank|Credit|Union|Financial|Insurance|Health|Healthcare|Hospital|Clinic|Energy|Power|Electric|Gas|Water|Utilities|Airlines|Airways|Air|Rail|Hotels?|Resorts?|Travel|Group|Inc|Ltd|LLC|Corp|Company|Services|Support|Store|Shop|Market)$/;
const NAME_CUE =
  /\b(my name is|name's|this is|i am|i'm|speaking with|talking to|mr\.?|mrs\.?|ms\.?|dr\.?)\s*$/i;

/** Finds PII in every sentence. Deterministic; results are in sentence order, then by position. */
export function extractPii(sentences: readonly AnalysisSentence[]): PiiEntity[] {
  const out: PiiEntity[] = [];
  sentences.forEach((sentence, i) => {
    const previous = writtenForm(sentences[i - 1]?.transcript ?? '').text;
    // A recogniser writes figures in words ("T C dash eight eight…"): they are read in written form, as a PII model
    // normalises what it reads, and each entity is given its words and offsets in the sentence as transcribed.
    const written = writtenForm(sentence.transcript);
    for (const entity of extractFromSentence(sentence, written.text, previous)) {
      const { start, end } = written.toSpoken(entity.start, entity.end);
      out.push({ ...entity, text: sentence.transcript.slice(start, end), start, end });
    }
  });
  return out;
}

function extractFromSentence(sentence: AnalysisSentence, text: string, previous: string): PiiEntity[] {
  const found: PiiEntity[] = [];
  const taken: Span[] = [];
  const add = (entity: Omit<PiiEntity, 'sentenceIndex' | 'mediaChannel'>) => {
    if (taken.some((s) => s.start < entity.end && entity.start < s.end)) return;
    taken.push({ start: entity.start, end: entity.end });
    found.push({ ...entity, sentenceIndex: sentence.sentenceIndex, mediaChannel: sentence.mediaChannel });
  };

  const doc = readDoc(text);
  const its = nlp().its;
  const entities = doc.entities().out(its.detail) as unknown as { value: string; type: string }[];

  // Emails: the library's EMAIL entity for written forms, a pattern for the spoken "jane dot doe at mail dot com".
  for (const entity of entities.filter((e) => e.type === 'EMAIL')) {
    const start = text.indexOf(entity.value);
    if (start >= 0) {
      add({
        type: 'email',
        value: entity.value.toLowerCase(),
        text: entity.value,
        start,
        end: start + entity.value.length,
        confidence: 0.97,
      });
    }
  }
  for (const match of text.matchAll(SPOKEN_EMAIL)) {
    const [whole, local = '', domain = ''] = match;
    const value = `${spokenToEmailPart(local)}@${spokenToEmailPart(domain)}`.toLowerCase();
    add({
      type: 'email',
      value,
      text: whole,
      start: match.index,
      end: match.index + whole.length,
      confidence: 0.85,
    });
  }

  for (const match of text.matchAll(ADDRESS)) {
    const whole = match[0].replace(/[,\s]+$/, '');
    add({
      type: 'address',
      value: whole,
      text: whole,
      start: match.index,
      end: match.index + whole.length,
      confidence: 0.85,
    });
  }

  const dateOfBirth = entities.find((e) => e.type === 'DATE' && /\d/.test(e.value));
  if (
    dateOfBirth !== undefined &&
    nearestCue(previous, text.slice(0, text.indexOf(dateOfBirth.value))) === 'date_of_birth'
  ) {
    const start = text.indexOf(dateOfBirth.value);
    add({
      type: 'date_of_birth',
      value: isoDate(dateOfBirth.value),
      text: dateOfBirth.value,
      start,
      end: start + dateOfBirth.value.length,
      confidence: 0.8,
    });
  }

  for (const run of codeRuns(text)) {
    const cue = nearestCue(previous, text.slice(0, run.start));
    const type = cue ?? typeWithoutCue(run.value, run.text);
    if (type === undefined) continue;
    if (type === 'card_last4' && compact(run.value).length !== 4) continue;
    add({
      type,
      value: normaliseCode(type, run),
      text: run.text,
      start: run.start,
      end: run.end,
      confidence: cue ? 0.92 : 0.7,
    });
  }

  for (const name of personNames(doc, text)) add({ type: 'person_name', ...name });
  return found.sort((a, b) => a.start - b.start);
}

const MONTH_NUMBER: Readonly<Record<string, number>> = Object.fromEntries(
  [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ].map((m, i) => [m, i + 1]),
);

/** A date of birth as personas hold it (1986-03-14) when it reads as one ("March 14th, 1986"); else as found. */
function isoDate(value: string): string {
  const m = /^([A-Za-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(value.trim());
  const month = m ? MONTH_NUMBER[(m[1] ?? '').toLowerCase()] : undefined;
  if (!m || month === undefined) return value;
  return `${m[3]}-${String(month).padStart(2, '0')}-${(m[2] ?? '').padStart(2, '0')}`;
}

function spokenToEmailPart(spoken: string): string {
  return spoken
    .replace(/\s+dot\s+/gi, '.')
    .replace(/\s+underscore\s+/gi, '_')
    .replace(/\s+dash\s+/gi, '-')
    .replace(/\s+/g, '');
}

/** The cue closest before the identifier; cues in the previous sentence count, but less near than this one's. */
function nearestCue(previous: string, before: string): PiiType | undefined {
  const context = `${previous.toLowerCase()} \n ${before.toLowerCase()}`.slice(-120);
  let best: { type: PiiType; at: number } | undefined;
  for (const [type, pattern] of CUES) {
    for (const match of context.matchAll(pattern)) {
      if (best === undefined || match.index > best.at) best = { type, at: match.index };
    }
  }
  return best?.type;
}

/** Letters and digits only: what makes two spellings of one code equal. */
function compact(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '');
}

/**
 * Values as the personas write them: phone numbers in E.164 (+13125550101), written codes as written
 * (BW-40718823, RF-2290-4471, 1986-03-14), spoken digit sequences as digits.
 */
function normaliseCode(type: PiiType, run: Run): string {
  if (type === 'phone_number') {
    const digits = compact(run.value);
    if (run.value.startsWith('+')) return `+${digits}`;
    if (digits.length === 10) return `+1${digits}`;
    if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
    return digits;
  }
  if (type === 'card_last4') return compact(run.value);
  return run.value;
}

function typeWithoutCue(written: string, text: string): PiiType | undefined {
  const value = compact(written);
  if (!/^\d+$/.test(value)) return value.length >= 6 ? 'identifier' : undefined;
  if (value.length === 10 || (value.length === 11 && value.startsWith('1')) || text.trim().startsWith('+')) {
    return 'phone_number';
  }
  if (value.length === 7 && /\d{3}[-\s.]\d{4}/.test(text)) return 'phone_number';
  return value.length >= 6 ? 'identifier' : undefined;
}

interface Run extends Span {
  value: string;
  text: string;
}

/**
 * Spoken and written codes: runs of digits, digit words ("four four one seven"), "double five", and
 * letter-digit codes ("A-48213", "QX7R2P"), joined across spaces, commas and dashes. Money, times and ordinals
 * are not codes.
 */
function codeRuns(text: string): Run[] {
  const tokens = [...text.matchAll(/[^\s,]+/g)].map((m) => ({
    raw: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  const runs: Run[] = [];
  let current: Run | undefined;
  let pendingRepeat = 1;
  const close = () => {
    if (current !== undefined && compact(current.value).length >= 4) runs.push(current);
    current = undefined;
  };
  for (const token of tokens) {
    const core = token.raw.replace(/^[("']+|[.?!;:)"']+$/g, '');
    const coreStart = token.start + token.raw.indexOf(core);
    const lower = core.toLowerCase();
    let chunk: string | undefined;
    if (/^(double|triple)$/.test(lower)) {
      pendingRepeat = lower === 'double' ? 2 : 3;
      continue;
    }
    if (/^\+?\d[\d-]*$/.test(core) && !/^\d{1,2}(st|nd|rd|th)$/i.test(core)) {
      chunk = core;
    } else if (DIGIT_WORDS[lower] !== undefined && (current !== undefined || !/^(oh|o)$/.test(lower))) {
      chunk = DIGIT_WORDS[lower];
    } else if (
      /^(?=(?:.*\d){2})(?=.*[a-z])[a-z0-9-]{4,}$/i.test(core) &&
      !/^\d+(st|nd|rd|th|am|pm|s)$/i.test(core) &&
      // Codes are written in capitals ("BW-40718823", "QX7R2P"); a lower-case one needs 4+ digits to be more
      // than a compound word such as "16-year-old".
      (core === core.toUpperCase() || (core.match(/\d/g) ?? []).length >= 4)
    ) {
      chunk = core.toUpperCase();
    } else if (/^[A-Z]$/.test(core) && current !== undefined) {
      chunk = core;
    }
    if (chunk === undefined) {
      close();
      pendingRepeat = 1;
      continue;
    }
    const value = chunk.repeat(pendingRepeat);
    pendingRepeat = 1;
    if (current === undefined)
      current = { value, start: coreStart, end: coreStart + core.length, text: core };
    else {
      current.value += value;
      current.end = coreStart + core.length;
      current.text = text.slice(current.start, current.end);
    }
    // A sentence-ending mark ends the code: "It's 1234. Thanks" is not one run with what follows.
    if (/[.?!]$/.test(token.raw)) close();
  }
  close();
  return runs;
}

/**
 * Person names from wink-nlp's part-of-speech tags: runs of title-case proper nouns, not introduced by a
 * preposition or "calling" (those are places and companies), not part of a date. A cue such as "my name is"
 * raises the confidence.
 */
function personNames(
  doc: ReturnType<ReturnType<typeof nlp>['readDoc']>,
  text: string,
): Omit<PiiEntity, 'type' | 'sentenceIndex' | 'mediaChannel'>[] {
  const its = nlp().its;
  const values = doc.tokens().out() as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  const cases = doc.tokens().out(its.case) as string[];
  const inEntity = new Set<number>();
  doc.entities().each((entity: ItemEntity) => {
    entity.tokens().each((token: ItemToken) => {
      inEntity.add(token.index());
    });
  });
  // Token character offsets: wink keeps the original text, so each token is found in order.
  const offsets: number[] = [];
  let cursor = 0;
  for (const value of values) {
    const at = text.indexOf(value, cursor);
    offsets.push(at);
    if (at >= 0) cursor = at + value.length;
  }
  const isNameToken = (i: number) =>
    pos[i] === 'PROPN' &&
    cases[i] === 'titleCase' &&
    !inEntity.has(i) &&
    /^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$/.test(values[i] ?? '');
  const names: Omit<PiiEntity, 'type' | 'sentenceIndex' | 'mediaChannel'>[] = [];
  for (let i = 0; i < values.length; i += 1) {
    if (!isNameToken(i)) continue;
    let j = i;
    while (j + 1 < values.length && isNameToken(j + 1)) j += 1;
    const before = (values[i - 1] ?? '').toLowerCase();
    const start = offsets[i] ?? -1;
    const last = offsets[j] ?? -1;
    const cued = start >= 0 && NAME_CUE.test(text.slice(0, start));
    // wink tags a capitalised sentence opener ("Great, thanks") as PROPN; only a cue makes it a name there.
    const opener = i === 0 || /^[.!?]$/.test(values[i - 1] ?? '');
    const organisation = ORGANISATION_END.test(values[j] ?? '');
    if (start >= 0 && last >= 0 && !NOT_A_NAME_BEFORE.has(before) && !organisation && (cued || !opener)) {
      const end = last + (values[j] ?? '').length;
      const name = text.slice(start, end);
      names.push({ value: name, text: name, start, end, confidence: cued ? 0.95 : 0.75 });
    }
    i = j;
  }
  return names;
}
