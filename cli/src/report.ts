import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type CallRecord,
  type Confusion,
  computeFidelity,
  DEMEANOR_TO_SENTIMENT,
  type FidelityCall,
  type FidelityReport,
  type IntelligenceRecord,
  ISSUE_CATEGORY_TO_CALL_REASON,
  type Labels,
  type PiiTypeScore,
  SPOKEN_PII_TO_OPERATOR_TYPE,
  type Transcript,
  UNSCORED_OPERATOR_PII_TYPES,
} from '@synthcall/analytics-sink/dataset';
import { computeRealism, type RealismReport, realismTable } from './realism.js';

export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    readonly code: 'SYNTH_REPORT_DATASET_MISSING' | 'SYNTH_REPORT_DATASET_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export async function readJsonOrNull<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    // A call without labels or intelligence is a finding of the report, not a failure of it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ReportError('SYNTH_REPORT_DATASET_INVALID', `cannot read ${path}`, { cause: err });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ReportError('SYNTH_REPORT_DATASET_INVALID', `${path} is not valid JSON`, { cause: err });
  }
}

/**
 * The call records of a dataset folder written by `synthcall generate` or the analytics-sink (calls.jsonl), one per
 * call: the sink appends a line per finished call, so a re-delivered call may appear twice and the last line wins.
 */
export async function readCallRecords(dir: string): Promise<CallRecord[]> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new ReportError('SYNTH_REPORT_DATASET_MISSING', `dataset folder ${dir} does not exist`);
  const callsPath = join(dir, 'calls.jsonl');
  let text: string;
  try {
    text = await readFile(callsPath, 'utf8');
  } catch (err) {
    throw new ReportError(
      'SYNTH_REPORT_DATASET_MISSING',
      `${callsPath} not found: ${dir} is not a synthcall dataset (run \`synthcall generate --out ${dir}\` first)`,
      { cause: err },
    );
  }
  const records = new Map<string, CallRecord>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: CallRecord;
    try {
      record = JSON.parse(line) as CallRecord;
    } catch (err) {
      throw new ReportError('SYNTH_REPORT_DATASET_INVALID', `${callsPath} line ${i + 1} is not valid JSON`, {
        cause: err,
      });
    }
    if (typeof record.callId !== 'string' || typeof record.scenario?.issueCategory !== 'string')
      throw new ReportError(
        'SYNTH_REPORT_DATASET_INVALID',
        `${callsPath} line ${i + 1} has no callId or scenario.issueCategory`,
      );
    records.set(record.callId, record);
  });
  return [...records.values()];
}

/** One call of a dataset: the fidelity inputs and the transcript the realism measures read. */
export interface DatasetCall extends FidelityCall {
  record: CallRecord;
  labels: Labels | null;
  intelligence: IntelligenceRecord | null;
  transcript: Transcript | null;
}

/** Reads a dataset folder written by `synthcall generate` or the analytics-sink into fidelity and realism inputs. */
export async function readDataset(dir: string): Promise<DatasetCall[]> {
  const records = await readCallRecords(dir);
  return Promise.all(
    records.map(async (record) => ({
      record,
      labels: await readJsonOrNull<Labels>(join(dir, 'labels', `${record.callId}.json`)),
      intelligence: await readJsonOrNull<IntelligenceRecord>(
        join(dir, 'intelligence', `${record.callId}.json`),
      ),
      transcript: await readJsonOrNull<Transcript>(join(dir, 'transcripts', `${record.callId}.json`)),
    })),
  );
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Rows and columns that are all zero are dropped: an 11×11 table of mostly empty labels hides the signal. */
function compact(c: Confusion): Confusion {
  const keepRows = c.rows.map((_, r) => (c.counts[r] ?? []).some((n) => n > 0));
  const keepCols = c.cols.map((_, k) => c.counts.some((row) => (row[k] ?? 0) > 0));
  return {
    ...c,
    rows: c.rows.filter((_, r) => keepRows[r]),
    cols: c.cols.filter((_, k) => keepCols[k]),
    counts: c.counts.filter((_, r) => keepRows[r]).map((row) => row.filter((_, k) => keepCols[k])),
  };
}

export interface ReportMeta {
  dir: string;
}

/** The figures a reader needs first; also what `synthcall report` prints. */
export function summaryLines(r: FidelityReport): string[] {
  const labelled = r.calls - r.withoutLabels.length;
  const observed = labelled - r.withoutIntelligence.length;
  const s = r.sentiment;
  const o = r.pii.overall;
  return [
    `calls        ${r.calls} (${labelled} with labels, ${observed} with Voice Intelligence, ${r.withoutIntelligence.length} without, ${r.withoutLabels.length} without labels)`,
    `sentiment    ${pct(s.byExpected.agreement)} strict, ${pct(s.lenientAgreement)} lenient agreement with the demeanor (${s.byExpected.total} calls)`,
    `call reason  ${pct(r.callReason.confusion.agreement)} accuracy vs issue category (${r.callReason.confusion.total} calls)`,
    `PII          precision ${pct(o.precision)}, recall ${pct(o.recall)} (TP ${o.truePositives}, FP ${o.falsePositives}, FN ${o.falseNegatives})`,
    `resolution   ${pct(r.resolution.confusion.agreement)} of calls reached the intended outcome (${r.resolution.confusion.total} calls)`,
  ];
}

function mdTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function mdConfusion(c: Confusion, corner: string): string {
  const k = compact(c);
  if (k.total === 0) return '_No calls to compare._';
  return mdTable(
    [corner, ...k.cols.map((col) => `**${col}**`), 'total'],
    k.rows.map((row, r) => {
      const counts = k.counts[r] ?? [];
      return [`**${row}**`, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
    }),
  );
}

function piiRows(scores: PiiTypeScore[]): string[][] {
  return scores.map((s) => [
    s.type,
    String(s.truePositives),
    String(s.falsePositives),
    String(s.falseNegatives),
    pct(s.precision),
    pct(s.recall),
  ]);
}

function idList(ids: string[]): string {
  const shown = ids.slice(0, 20).map((id) => `\`${id}\``);
  return `${shown.join(', ')}${ids.length > shown.length ? `, … (${ids.length - shown.length} more)` : ''}`;
}

const PII_ALIGNMENT = `Spoken PII types (the dialogue's vocabulary) are mapped to the PII Extraction operator's types: ${Object.entries(
  SPOKEN_PII_TO_OPERATOR_TYPE,
)
  .map(([a, b]) => `\`${a}\` → \`${b}\``)
  .join(
    ', ',
  )}; every other type (person_name, phone_number and the identifier kinds such as account_number, booking_reference) has the same name in both. The operator's catch-all ${UNSCORED_OPERATOR_PII_TYPES.map(
  (t) => `\`${t}\``,
).join(
  ', ',
)} has no spoken counterpart and is not scored. Per call and type, distinct values are compared after normalisation (case, spaces and punctuation ignored; phone numbers by digits, a leading +1 ignored). Labels record the caller's PII and the name of every other person a line mentions (the agent, relatives, colleagues, a supervisor); places and businesses are not PII labels, so a city or shop the operator takes for a name counts as a false positive.`;

const REALISM_NOTE =
  'Measured on the dataset alone, against the ranges of issue 14 (typical of recorded contact-center calls). Words are the spoken line\'s (`said`); a recogniser substitution is a word of the alignment of `said` with `heard` that differs, and a non-word when it is none of the 50,000 most frequent English words, a number or a word said in the dataset; a hold is a silence of 30 s or more between two sentences of the Voice Intelligence transcript; a question is a turn ending in one, answered when the other role\'s next turn gives a yes/no, a figure or a date where one was asked, or any statement otherwise ("I don\'t know", "sorry?" and "I\'d rather not" deflect it), and never when the labels mark the reply as answering another question; self-corrections, off-question answers and refusals are the labels\' `deviations`; "another industry\'s things" are terms only one industry\'s calls have reason to say (router, boarding pass, copay, …). ✓/✗: the dataset\'s figure is inside/outside the target; calls outside: the share of calls whose own figure is outside it.';

export function renderMarkdown(r: FidelityReport, meta: ReportMeta, realism?: RealismReport): string {
  const s = r.sentiment;
  const out: string[] = [
    '# Label fidelity report',
    '',
    `Dataset: \`${meta.dir}\`. Observed = Voice Intelligence operator results (\`intelligence/\`); intended = ground-truth labels (\`labels/\`) and the call records (\`calls.jsonl\`).`,
    '',
    '```',
    ...summaryLines(r),
    '```',
    '',
    '## Coverage',
    '',
    `- ${r.calls} calls in calls.jsonl.`,
    `- ${r.withoutLabels.length} without a labels file${r.withoutLabels.length ? `: ${idList(r.withoutLabels)}` : ''} (left out of every comparison).`,
    `- ${r.withoutIntelligence.length} with labels but without Voice Intelligence results${r.withoutIntelligence.length ? `: ${idList(r.withoutIntelligence)}` : ''} (left out of sentiment, call reason and PII; still in resolution).`,
    `- Intelligence without an operator's result: sentiment ${s.missingOperator}, call reason ${r.callReason.missingOperator}, PII ${r.pii.missingOperator}.`,
    '',
    '## 1. Sentiment vs demeanor',
    '',
    `Strict agreement (predicted = the demeanor's expected sentiment): **${pct(s.byExpected.agreement)}**; lenient agreement (predicted in the accepted set): **${pct(s.lenientAgreement)}**, over ${s.byExpected.total} calls. The Sentiment Analysis operator labels the whole conversation, agent included; the demeanor is the customer's (labels \`demeanor\`).`,
    '',
    'Mapping used:',
    '',
    mdTable(
      ['demeanor', 'expected', 'accepted'],
      Object.entries(DEMEANOR_TO_SENTIMENT).map(([d, e]) => [d, e.expected, e.accepted.join(', ')]),
    ),
    '',
    s.unmappedDemeanors.length ? `Demeanors with no mapping: ${s.unmappedDemeanors.join(', ')}.\n` : '',
    'Demeanor (rows) × predicted sentiment (columns):',
    '',
    mdConfusion(s.byDemeanor, 'demeanor \\ predicted'),
    '',
    'Expected sentiment (rows) × predicted sentiment (columns):',
    '',
    mdConfusion(s.byExpected, 'expected \\ predicted'),
    '',
    '## 2. Call reason vs issue category',
    '',
    `Accuracy: **${pct(r.callReason.confusion.agreement)}** over ${r.callReason.confusion.total} calls. Each call's issue category is mapped to the Call Reason label set (the same table twilio-sim uses):`,
    '',
    mdTable(
      ['issue category', 'call reason'],
      Object.entries(ISSUE_CATEGORY_TO_CALL_REASON).map(([cat, reason]) => [cat, reason]),
    ),
    '',
    r.callReason.unmappedCategories.length
      ? `Issue categories with no mapping (rows \`unmapped:…\`): ${r.callReason.unmappedCategories.join(', ')}.\n`
      : '',
    'Expected call reason (rows) × predicted call reason (columns):',
    '',
    mdConfusion(r.callReason.confusion, 'expected \\ predicted'),
    '',
    '## 3. PII precision and recall',
    '',
    PII_ALIGNMENT,
    '',
    mdTable(
      ['type', 'TP', 'FP', 'FN', 'precision', 'recall'],
      [...piiRows(r.pii.byType), ...piiRows([r.pii.overall]).map((row) => row.map((c) => `**${c}**`))],
    ),
    '',
    `Unscored (${UNSCORED_OPERATOR_PII_TYPES.join(', ')}): ${r.pii.unscored.extracted} values extracted, ${r.pii.unscored.matchingSpoken} of them equal to a spoken value of some type.`,
    '',
    '## 4. Resolution vs intended outcome',
    '',
    `Agreement: **${pct(r.resolution.confusion.agreement)}** over ${r.resolution.confusion.total} labelled calls (actual outcome from calls.jsonl, derived from the end reason; \`not_ended\` = no end recorded).`,
    '',
    'Intended outcome (rows) × actual outcome (columns):',
    '',
    mdConfusion(r.resolution.confusion, 'intended \\ actual'),
    '',
    ...(realism ? ['## 5. Realism', '', REALISM_NOTE, '', realismTable(realism), ''] : []),
  ];
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** A confusion heatmap as inline SVG; cells shaded by their share of the row, agreeing cells outlined. */
export function heatmapSvg(c: Confusion, agrees: (row: string, col: string) => boolean): string {
  const k = compact(c);
  if (k.total === 0) return '<p><em>No calls to compare.</em></p>';
  const cell = { w: 52, h: 26 };
  const left = 10 + Math.max(...k.rows.map((r) => r.length)) * 7;
  const top = 10 + Math.max(...k.cols.map((col) => col.length)) * 6;
  // Rotated column labels lean right: the last one needs room past the grid.
  const width = left + k.cols.length * cell.w + Math.max(...k.cols.map((col) => col.length)) * 6;
  const height = top + k.rows.length * cell.h + 10;
  const parts: string[] = [];
  k.cols.forEach((col, j) => {
    const x = left + j * cell.w + cell.w / 2;
    parts.push(
      `<text x="${x}" y="${top - 6}" transform="rotate(-40 ${x} ${top - 6})" font-size="11">${escapeHtml(col)}</text>`,
    );
  });
  k.rows.forEach((row, i) => {
    const counts = k.counts[i] ?? [];
    const rowTotal = counts.reduce((a, b) => a + b, 0) || 1;
    const y = top + i * cell.h;
    parts.push(
      `<text x="${left - 6}" y="${y + cell.h / 2 + 4}" text-anchor="end" font-size="11">${escapeHtml(row)}</text>`,
    );
    counts.forEach((n, j) => {
      const x = left + j * cell.w;
      const share = n / rowTotal;
      const ok = agrees(row, k.cols[j] ?? '');
      const fill =
        n === 0
          ? '#f4f4f4'
          : ok
            ? `rgba(33,120,60,${0.15 + 0.85 * share})`
            : `rgba(200,80,30,${0.15 + 0.85 * share})`;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell.w - 2}" height="${cell.h - 2}" fill="${fill}"${ok ? ' stroke="#215c35" stroke-width="1.5"' : ''}><title>${escapeHtml(`${row} → ${k.cols[j]}: ${n}`)}</title></rect>`,
        `<text x="${x + cell.w / 2 - 1}" y="${y + cell.h / 2 + 4}" text-anchor="middle" font-size="11" fill="${share > 0.55 ? '#fff' : '#222'}">${n}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" role="img">${parts.join('')}</svg>`;
}

/** Precision and recall per PII type as paired horizontal bars on a 0–100% scale. */
export function piiBarsSvg(scores: PiiTypeScore[]): string {
  if (scores.length === 0) return '<p><em>No PII spoken or extracted.</em></p>';
  const left = 10 + Math.max(...scores.map((s) => s.type.length)) * 7;
  const barW = 300;
  const rowH = 30;
  const width = left + barW + 70;
  const height = 30 + scores.length * rowH;
  const parts: string[] = [
    `<rect x="${left}" y="4" width="10" height="10" fill="#2b6cb0"/><text x="${left + 14}" y="13" font-size="11">precision</text>`,
    `<rect x="${left + 90}" y="4" width="10" height="10" fill="#d69e2e"/><text x="${left + 104}" y="13" font-size="11">recall</text>`,
  ];
  scores.forEach((s, i) => {
    const y = 22 + i * rowH;
    parts.push(
      `<text x="${left - 6}" y="${y + 14}" text-anchor="end" font-size="11">${escapeHtml(s.type)}</text>`,
    );
    (
      [
        ['#2b6cb0', s.precision, 0],
        ['#d69e2e', s.recall, 12],
      ] as const
    ).forEach(([color, v, dy]) => {
      const w = v === null ? 0 : v * barW;
      parts.push(
        `<rect x="${left}" y="${y + dy}" width="${barW}" height="10" fill="#eee"/>`,
        `<rect x="${left}" y="${y + dy}" width="${w.toFixed(1)}" height="10" fill="${color}"/>`,
        `<text x="${left + barW + 6}" y="${y + dy + 9}" font-size="10">${pct(v)}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" role="img">${parts.join('')}</svg>`;
}

function htmlTable(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderHtml(r: FidelityReport, meta: ReportMeta, realism?: RealismReport): string {
  const s = r.sentiment;
  const sentimentAgrees = (d: string, p: string) =>
    (DEMEANOR_TO_SENTIMENT[d]?.accepted as readonly string[] | undefined)?.includes(p) ?? false;
  const same = (a: string, b: string) => a === b;
  const coverage = [
    `${r.calls} calls; ${r.withoutLabels.length} without labels; ${r.withoutIntelligence.length} without Voice Intelligence results.`,
    r.withoutIntelligence.length ? `Without intelligence: ${r.withoutIntelligence.join(', ')}.` : '',
    r.withoutLabels.length ? `Without labels: ${r.withoutLabels.join(', ')}.` : '',
    `Intelligence without an operator's result: sentiment ${s.missingOperator}, call reason ${r.callReason.missingOperator}, PII ${r.pii.missingOperator}.`,
  ]
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>synthcall label fidelity — ${escapeHtml(meta.dir)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f4f4f4}pre{background:#f7f7f7;padding:.8em;overflow:auto}.kpi{font-size:1.4em;font-weight:600}
details{margin:.5em 0}
</style></head><body>
<h1>Label fidelity report</h1>
<p>Dataset <code>${escapeHtml(meta.dir)}</code>. Observed = Voice Intelligence operator results; intended = ground-truth labels and call records. Green cells agree, orange cells disagree; shade = share of the row.</p>
<pre>${escapeHtml(summaryLines(r).join('\n'))}</pre>
<h2>Coverage</h2>${coverage}
<h2>1. Sentiment vs demeanor</h2>
<p><span class="kpi">${pct(s.byExpected.agreement)}</span> strict · <span class="kpi">${pct(s.lenientAgreement)}</span> lenient agreement over ${s.byExpected.total} calls (the operator labels the whole conversation; the demeanor is the customer's).</p>
${heatmapSvg(s.byDemeanor, sentimentAgrees)}
<h3>Expected × predicted</h3>
${heatmapSvg(s.byExpected, same)}
<details><summary>Demeanor → sentiment mapping</summary>${htmlTable(
    ['demeanor', 'expected', 'accepted'],
    Object.entries(DEMEANOR_TO_SENTIMENT).map(([d, e]) => [d, e.expected, e.accepted.join(', ')]),
  )}</details>
<h2>2. Call reason vs issue category</h2>
<p><span class="kpi">${pct(r.callReason.confusion.agreement)}</span> accuracy over ${r.callReason.confusion.total} calls. Rows: issue category mapped to the call-reason label set; columns: predicted call reason.</p>
${heatmapSvg(r.callReason.confusion, same)}
<details><summary>Issue category → call reason mapping</summary>${htmlTable(
    ['issue category', 'call reason'],
    Object.entries(ISSUE_CATEGORY_TO_CALL_REASON),
  )}</details>
<h2>3. PII precision and recall</h2>
<p><span class="kpi">${pct(r.pii.overall.precision)}</span> precision · <span class="kpi">${pct(r.pii.overall.recall)}</span> recall (TP ${r.pii.overall.truePositives}, FP ${r.pii.overall.falsePositives}, FN ${r.pii.overall.falseNegatives}).</p>
${piiBarsSvg(r.pii.byType)}
${htmlTable(['type', 'TP', 'FP', 'FN', 'precision', 'recall'], piiRows([...r.pii.byType, r.pii.overall]))}
<p>${escapeHtml(PII_ALIGNMENT.replace(/`/g, ''))}</p>
<p>Unscored (${escapeHtml(UNSCORED_OPERATOR_PII_TYPES.join(', '))}): ${r.pii.unscored.extracted} values extracted, ${r.pii.unscored.matchingSpoken} equal to a spoken value.</p>
<h2>4. Resolution vs intended outcome</h2>
<p><span class="kpi">${pct(r.resolution.confusion.agreement)}</span> agreement over ${r.resolution.confusion.total} labelled calls. Rows: intended outcome; columns: actual outcome (not_ended = no end recorded).</p>
${heatmapSvg(r.resolution.confusion, same)}
${
  realism
    ? `<h2>5. Realism</h2><p>${escapeHtml(REALISM_NOTE.replace(/`/g, ''))}</p>${htmlTable(
        ['measure', 'value', 'target', 'calls outside', 'over'],
        realism.measures.map((m) => [
          m.name,
          `${m.value}${m.met === null ? '' : m.met ? ' ✓' : ' ✗'}`,
          m.target,
          m.callsOutside === null ? '—' : pct(m.callsOutside),
          m.basis,
        ]),
      )}`
    : ''
}
</body></html>
`;
}

export interface ReportResult {
  report: FidelityReport;
  realism: RealismReport;
  markdownPath: string;
  htmlPath: string;
}

/** Reads DIR, computes the fidelity report and writes `<prefix>.md` and `<prefix>.html` (default DIR/report). */
export async function writeReport(dir: string, outPrefix = join(dir, 'report')): Promise<ReportResult> {
  const calls = await readDataset(dir);
  const report = computeFidelity(calls);
  const realism = computeRealism(calls);
  const meta = { dir };
  const markdownPath = `${outPrefix}.md`;
  const htmlPath = `${outPrefix}.html`;
  await mkdir(dirname(markdownPath), { recursive: true });
  await writeFile(markdownPath, renderMarkdown(report, meta, realism));
  await writeFile(htmlPath, renderHtml(report, meta, realism));
  return { report, realism, markdownPath, htmlPath };
}
