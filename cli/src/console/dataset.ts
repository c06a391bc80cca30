import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CallRecord,
  computeFidelity,
  DEMEANOR_TO_SENTIMENT,
  type IntelligenceRecord,
  ISSUE_CATEGORY_TO_CALL_REASON,
  type Labels,
  OPERATOR_NAMES,
  operatorTypeOfSpoken,
  type Transcript,
  type TurnTiming,
  turnTimes,
} from '@synthcall/analytics-sink/dataset';
import { readCallRecords, readJsonOrNull } from '../report.js';

/**
 * A call id as the dataset writes it into file names. Checked before any path is built from it, so a request can
 * name no file outside the dataset's own folders (no `/`, `\`, `..`, NUL or leading dot).
 */
const CALL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function isCallId(id: string): boolean {
  return CALL_ID.test(id) && !id.includes('..');
}

/** One Voice Intelligence observation beside the ground truth it is scored against. */
export interface Comparison {
  what: string;
  truth: string;
  observed: string | null;
  /** Whether the observation agrees under the report's rules; null when there is nothing observed to compare. */
  agrees: boolean | null;
}

export interface CallDetail {
  record: CallRecord;
  names: { customer: string | null; agent: string | null };
  turns: Array<Transcript['turns'][number] & { timing: TurnTiming | null }>;
  /** Where the turn timings come from: the transcript itself, or the recording's transcript sentences. */
  timingSource: 'transcript' | 'recording' | 'none';
  labels: Labels | null;
  intelligence:
    | (Omit<IntelligenceRecord, 'operatorResults'> & {
        operatorResults: Array<Omit<IntelligenceRecord['operatorResults'][number], 'raw'>>;
      })
    | null;
  comparison: Comparison[];
  recording: { bytes: number } | null;
}

export interface SearchHit {
  callId: string;
  turn: number;
  role: string;
  text: string;
}

/**
 * The dataset folder the console shows, read-only. calls.jsonl is read again whenever it changed (a run writing into
 * the folder adds calls as they finish); a call's own files are read when asked for.
 */
export class ConsoleDataset {
  private cached: { key: string; records: CallRecord[]; byId: Map<string, CallRecord> } | undefined;
  /** Transcript text per call for search: a written transcript does not change, so it is read once. */
  private readonly texts = new Map<string, Array<{ turn: number; role: string; text: string }>>();

  /** `names`: persona id → display name (the default personas), for the ids the records carry. */
  constructor(
    readonly dir: string,
    private readonly names: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Display names of the personas the dataset's calls name (an id with no known persona is left out). */
  async personaNames(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of await this.records()) {
      for (const id of [r.customerId, r.agentId]) {
        const name = this.names.get(id);
        if (name) out[id] = name;
      }
    }
    return out;
  }

  async records(): Promise<CallRecord[]> {
    return (await this.load()).records;
  }

  /** Changes whenever calls.jsonl does: what the report of the dataset is cached by. */
  async version(): Promise<string> {
    return (await this.load()).key;
  }

  async manifest(): Promise<unknown> {
    return readJsonOrNull<unknown>(join(this.dir, 'manifest.json'));
  }

  async call(id: string): Promise<CallDetail | undefined> {
    if (!isCallId(id)) return undefined;
    const record = (await this.load()).byId.get(id);
    if (!record) return undefined;
    const [transcript, labels, intelligence, recording] = await Promise.all([
      readJsonOrNull<Transcript>(join(this.dir, 'transcripts', `${id}.json`)),
      readJsonOrNull<Labels>(join(this.dir, 'labels', `${id}.json`)),
      readJsonOrNull<IntelligenceRecord>(join(this.dir, 'intelligence', `${id}.json`)),
      this.recordingSize(id),
    ]);
    const turns = transcript?.turns ?? [];
    const own = turns.some((t) => t.startSec !== null && t.endSec !== null);
    const derived =
      !own && intelligence
        ? turnTimes(
            turns.map((t) => ({ role: t.role, text: t.said })),
            intelligence.sentences,
          )
        : [];
    const timing = (t: Transcript['turns'][number], i: number): TurnTiming | null =>
      own
        ? t.startSec !== null && t.endSec !== null
          ? { startSec: t.startSec, endSec: t.endSec }
          : null
        : (derived[i] ?? null);
    return {
      record,
      names: {
        customer: this.names.get(record.customerId) ?? null,
        agent: this.names.get(record.agentId) ?? null,
      },
      turns: turns.map((t, i) => ({ ...t, timing: timing(t, i) })),
      timingSource: own ? 'transcript' : derived.some(Boolean) ? 'recording' : 'none',
      labels,
      intelligence: intelligence
        ? {
            ...intelligence,
            // The operators' raw responses are large and say nothing the parsed fields do not.
            operatorResults: intelligence.operatorResults.map(({ raw: _raw, ...rest }) => rest),
          }
        : null,
      comparison: compare(record, labels, intelligence),
      recording: recording === undefined ? null : { bytes: recording },
    };
  }

  /** The path of a call's recording, or undefined when the id is not a call of the dataset or it has none. */
  async recordingPath(id: string): Promise<{ path: string; bytes: number } | undefined> {
    if (!isCallId(id) || !(await this.load()).byId.has(id)) return undefined;
    const bytes = await this.recordingSize(id);
    return bytes === undefined ? undefined : { path: join(this.dir, 'recordings', `${id}.wav`), bytes };
  }

  /**
   * The calls with a line (said or heard) that contains every word of the query, case-insensitive, each with its
   * first such line.
   */
  async search(query: string): Promise<SearchHit[]> {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const hits: SearchHit[] = [];
    for (const record of await this.records()) {
      const line = (await this.lines(record.callId)).find((l) => {
        const lower = l.text.toLowerCase();
        return words.every((w) => lower.includes(w));
      });
      if (line) hits.push({ callId: record.callId, ...line });
    }
    return hits;
  }

  private async lines(id: string) {
    let lines = this.texts.get(id);
    if (!lines) {
      const transcript = await readJsonOrNull<Transcript>(join(this.dir, 'transcripts', `${id}.json`));
      lines = (transcript?.turns ?? []).map((t) => ({
        turn: t.turn,
        role: t.role,
        text: t.heard && t.heard !== t.said ? `${t.said}\n${t.heard}` : t.said,
      }));
      // A call listed before its transcript was written is read again on the next search.
      if (transcript) this.texts.set(id, lines);
    }
    return lines;
  }

  private async recordingSize(id: string): Promise<number | undefined> {
    try {
      const s = await stat(join(this.dir, 'recordings', `${id}.wav`));
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  }

  private async load() {
    const s = await stat(join(this.dir, 'calls.jsonl')).catch(() => undefined);
    const key = s ? `${s.mtimeMs}:${s.size}` : 'none';
    if (this.cached?.key !== key) {
      // A run attached to the console writes calls.jsonl once its first call is written: until then, no calls.
      const records = s || !(await isDirectory(this.dir)) ? await readCallRecords(this.dir) : [];
      this.cached = { key, records, byId: new Map(records.map((r) => [r.callId, r])) };
    }
    return this.cached;
  }
}

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/**
 * What Voice Intelligence observed beside the ground truth, judged by the report's own rules (the fidelity code run
 * on this one call), so a call's page and the report never disagree.
 */
function compare(
  record: CallRecord,
  labels: Labels | null,
  intelligence: IntelligenceRecord | null,
): Comparison[] {
  const fidelity = computeFidelity([{ record, labels, intelligence }]);
  const predicted = (name: string) =>
    intelligence?.operatorResults.find((o) => o.name === name)?.predictedLabel ?? null;
  const rows: Comparison[] = [];
  if (labels) {
    const expectation = DEMEANOR_TO_SENTIMENT[labels.demeanor];
    const sentiment = predicted(OPERATOR_NAMES.sentiment);
    rows.push({
      what: 'Sentiment',
      truth: `${labels.demeanor} → ${expectation ? expectation.accepted.join(' or ') : 'unmapped'}`,
      observed: sentiment,
      agrees: sentiment === null ? null : fidelity.sentiment.lenientAgreement === 1,
    });
    const reason = predicted(OPERATOR_NAMES.callReason);
    const category = record.scenario.issueCategory;
    rows.push({
      what: 'Call reason',
      truth: `${category} → ${ISSUE_CATEGORY_TO_CALL_REASON[category] ?? 'unmapped'}`,
      observed: reason,
      agrees: reason === null ? null : fidelity.callReason.confusion.agreement === 1,
    });
    const pii = intelligence?.operatorResults.find((o) => o.name === OPERATOR_NAMES.pii);
    const spokenTypes = [...new Set(labels.spokenPii.map((p) => operatorTypeOfSpoken(p.type)))].sort();
    const o = fidelity.pii.overall;
    rows.push({
      what: 'PII',
      truth: spokenTypes.length
        ? `${labels.spokenPii.length} spans spoken (${spokenTypes.join(', ')})`
        : 'none spoken',
      observed: pii
        ? Object.entries(pii.extractResults)
            .map(([type, values]) => `${type}: ${values.join(', ')}`)
            .join('; ') || 'none extracted'
        : null,
      agrees: pii ? o.falseNegatives === 0 && o.falsePositives === 0 : null,
    });
    rows.push({
      what: 'Outcome',
      truth: `intended ${labels.intendedOutcome}`,
      observed: record.outcome ?? 'not ended',
      agrees: record.outcome === labels.intendedOutcome,
    });
  }
  return rows;
}
