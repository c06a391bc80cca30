import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMEANOR_TO_SENTIMENT, ISSUE_CATEGORY_TO_CALL_REASON } from '@synthcall/analytics-sink/dataset';
import { DEMEANORS, ISSUE_CATEGORIES } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
// The simulator's own table: the report keeps a copy so production code does not import tools/.
import { ISSUE_CATEGORY_TO_CALL_REASON as SIM_TABLE } from '../../tools/twilio-sim/src/intelligence/index.js';
import { generate } from './embedded.js';
import { heatmapSvg, ReportError, readDataset, writeReport } from './report.js';
import { testGenerateOptions } from './testing/generate-options.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'synthcall-report-'));

function section(md: string, heading: string): string {
  const start = md.indexOf(`## ${heading}`);
  expect(start, `section "${heading}"`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 3);
  return md.slice(start, next < 0 ? undefined : next);
}

describe('mapping tables', () => {
  it("agrees with twilio-sim's issue category → call reason table", () => {
    expect(ISSUE_CATEGORY_TO_CALL_REASON).toEqual(SIM_TABLE);
  });

  it('maps every persona demeanor and issue category', () => {
    expect(Object.keys(DEMEANOR_TO_SENTIMENT).sort()).toEqual([...DEMEANORS].sort());
    expect(Object.keys(ISSUE_CATEGORY_TO_CALL_REASON).sort()).toEqual([...ISSUE_CATEGORIES].sort());
  });
});

describe('readDataset', () => {
  it('refuses a folder that does not exist, naming it', async () => {
    const dir = join(await tempDir(), 'absent');
    const err = await readDataset(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportError);
    expect(err).toMatchObject({ code: 'SYNTH_REPORT_DATASET_MISSING' });
    expect((err as Error).message).toContain(dir);
  });

  it('refuses a folder without calls.jsonl, naming the file', async () => {
    const dir = await tempDir();
    await expect(readDataset(dir)).rejects.toMatchObject({
      code: 'SYNTH_REPORT_DATASET_MISSING',
      message: expect.stringContaining(join(dir, 'calls.jsonl')),
    });
  });

  it('names the line of calls.jsonl that is not JSON', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'calls.jsonl'), '{"callId":"a","scenario":{"issueCategory":"fraud"}}\n{oops\n');
    await expect(readDataset(dir)).rejects.toMatchObject({
      code: 'SYNTH_REPORT_DATASET_INVALID',
      message: expect.stringContaining('line 2'),
    });
  });
});

describe('writeReport on a crafted dataset', () => {
  it('lists a call without intelligence in the report instead of dropping it', async () => {
    const dir = await tempDir();
    const scenario = { industry: 'banking', issueCategory: 'fraud', issueComplexity: 2, demeanor: 'angry' };
    const line = (callId: string) => JSON.stringify({ callId, scenario, outcome: 'escalated' });
    await writeFile(join(dir, 'calls.jsonl'), `${line('call-a')}\n${line('call-b')}\n`);
    await mkdir(join(dir, 'labels'));
    await mkdir(join(dir, 'intelligence'));
    for (const callId of ['call-a', 'call-b'])
      await writeFile(
        join(dir, 'labels', `${callId}.json`),
        JSON.stringify({ callId, intendedOutcome: 'escalated', demeanor: 'angry', spokenPii: [] }),
      );
    await writeFile(
      join(dir, 'intelligence', 'call-a.json'),
      JSON.stringify({
        callId: 'call-a',
        operatorResults: [
          { name: 'Sentiment Analysis', predictedLabel: 'negative', extractResults: {} },
          { name: 'Call Reason', predictedLabel: 'fraud', extractResults: {} },
          { name: 'PII Extraction', predictedLabel: null, extractResults: {} },
        ],
      }),
    );
    const out = join(dir, 'nested', 'fidelity');
    const { report, markdownPath, htmlPath } = await writeReport(dir, out);
    expect(markdownPath).toBe(`${out}.md`);
    expect(report.withoutIntelligence).toEqual(['call-b']);
    expect(report.callReason.confusion.total).toBe(1);
    expect(report.resolution.confusion.total).toBe(2);
    const md = await readFile(markdownPath, 'utf8');
    expect(section(md, 'Coverage')).toContain('`call-b`');
    expect(section(md, '2. Call reason')).toContain('**100.0%**');
    // Without transcripts the realism measures have nothing to read: shown as such, not as zeros that pass.
    expect(section(md, '5. Realism')).toContain('| words per turn (median) | n/a');
    expect(await readFile(htmlPath, 'utf8')).toContain('call-b');
  });
});

describe('heatmapSvg', () => {
  it('draws one cell per non-empty (row, column) pair with its count, outlining the agreeing ones', () => {
    const svg = heatmapSvg(
      {
        rows: ['a', 'b', 'never'],
        cols: ['a', 'b', 'never'],
        counts: [
          [3, 1, 0],
          [0, 2, 0],
          [0, 0, 0],
        ],
        total: 6,
        agreeing: 5,
        agreement: 5 / 6,
      },
      (r, c) => r === c,
    );
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg.match(/stroke="#215c35"/g)).toHaveLength(2);
    expect(svg).toContain('<title>a → b: 1</title>');
    expect(svg).not.toContain('never');
  });
});

describe('synthcall report after synthcall generate', () => {
  it('writes report.md and report.html with the four comparisons and their figures', async () => {
    const out = await tempDir();
    const summary = await generate(testGenerateOptions(out, { seed: 'report-test' }));
    expect(summary.finished).toBe(6);

    const { report } = await writeReport(out);
    expect(report.calls).toBe(6);
    const md = await readFile(join(out, 'report.md'), 'utf8');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    const figure = /\d+\.\d%/;
    for (const heading of [
      '1. Sentiment vs demeanor',
      '2. Call reason vs issue category',
      '3. PII precision and recall',
      '4. Resolution vs intended outcome',
    ]) {
      expect(section(md, heading)).toMatch(figure);
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    // Every call's intelligence is either counted or listed as missing: none disappear.
    expect(report.sentiment.byExpected.total + report.withoutIntelligence.length).toBe(6);
    expect(html).toMatch(/<svg [^>]*>.*<rect /s);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect((await stat(join(out, 'report.html'))).size).toBeGreaterThan(1000);
  }, 120_000);
});
