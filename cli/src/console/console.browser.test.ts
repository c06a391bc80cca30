/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord, Labels, Transcript } from '@synthcall/analytics-sink/dataset';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../embedded.js';
import { testGenerateOptions } from '../testing/generate-options.js';
import { slowScriptedProvider } from '../testing/slow-provider.js';
import { watchBus } from './live.js';
import { type RunningConsole, startConsole } from './start.js';
import { launchChromium } from './testing/browser.js';

/** Headless Chromium (Debian's) against a dataset `generate --audio` wrote, then against a run in progress. */
// Each test drives a real Chromium: seconds on a quiet machine, far more beside other work, so not vitest's 5 s.
describe('the console in a browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let dir: string;
  let console_: RunningConsole;
  let calls: CallRecord[];
  const read = async <T>(...parts: string[]) => JSON.parse(await readFile(join(dir, ...parts), 'utf8')) as T;
  const open = async (hash: string, width = 1280): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${console_.url}${hash}`);
    return page;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'synthcall-console-'));
    await generate(testGenerateOptions(dir, { calls: 3, seed: 'console', audio: true }));
    calls = (await readFile(join(dir, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CallRecord);
    console_ = await startConsole({ dataset: dir, datasetMustExist: true, host: '127.0.0.1', port: 0 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await console_?.close();
  });

  const rows = (page: Page) =>
    page.locator('table.calls tbody tr td:first-child a').evaluateAll((as) => as.map((a) => a.textContent));

  it('lists every call, and the filters and the transcript search narrow the list to the calls that match', async () => {
    const page = await open('#/calls');
    await page.getByText(`${calls.length} of ${calls.length} calls`).waitFor();
    expect(await rows(page)).toEqual(calls.map((c) => c.callId));

    const customer = calls[0]?.customerId ?? '';
    await page.getByLabel('Persona').selectOption(customer);
    const byPersona = calls.filter((c) => c.customerId === customer || c.agentId === customer);
    await page.getByText(`${byPersona.length} of ${calls.length} calls`).waitFor();
    expect(await rows(page)).toEqual(byPersona.map((c) => c.callId));
    await page.getByLabel('Persona').selectOption('');

    const industry = calls[1]?.scenario.industry ?? '';
    await page.getByLabel('Industry').selectOption(industry);
    const byIndustry = calls.filter((c) => c.scenario.industry === industry);
    await page.getByText(`${byIndustry.length} of ${calls.length} calls`).waitFor();
    expect(await rows(page)).toEqual(byIndustry.map((c) => c.callId));
    await page.getByLabel('Industry').selectOption('');

    // A word of the first call's customer line, searched for in every transcript on disk to know the answer.
    const first = await read<Transcript>('transcripts', `${calls[0]?.callId}.json`);
    const word = first.turns[1]?.said.split(/\s+/).find((w) => /^[A-Za-z]{6,}$/.test(w)) ?? '';
    expect(word).not.toBe('');
    const matching: string[] = [];
    for (const c of calls) {
      const t = await read<Transcript>('transcripts', `${c.callId}.json`);
      const has = t.turns.some((x) =>
        `${x.said}\n${x.heard ?? ''}`.toLowerCase().includes(word.toLowerCase()),
      );
      if (has) matching.push(c.callId);
    }
    await page.getByLabel('Search transcripts').fill(word.toUpperCase());
    await page.getByText(`${matching.length} of ${calls.length} calls`).waitFor();
    expect(await rows(page)).toEqual(matching);
    await page.close();
  });

  it('marks each PII span of the labels at exactly its offsets in the words said', async () => {
    const call = calls.find((c) => c.turnCount > 0) ?? calls[0];
    const labels = await read<Labels>('labels', `${call?.callId}.json`);
    const transcript = await read<Transcript>('transcripts', `${call?.callId}.json`);
    expect(labels.spokenPii.length).toBeGreaterThan(0);
    const page = await open(`#/calls/${call?.callId}`);
    await page.locator('ol.turns li').first().waitFor();
    const marks = await page.locator('mark.pii').evaluateAll((ms) =>
      ms.map((m) => ({
        turn: Number(m.closest('li')?.getAttribute('data-turn')),
        start: Number(m.getAttribute('data-start')),
        end: Number(m.getAttribute('data-end')),
        type: m.getAttribute('data-pii-type'),
        text: m.textContent,
        // The mark's offset in its paragraph's text: the highlight sits where the label says.
        at: (() => {
          const range = document.createRange();
          range.setStart(m.parentElement as Node, 0);
          range.setEndBefore(m);
          return range.toString().length;
        })(),
      })),
    );
    const expected = labels.spokenPii.map((p) => ({
      turn: p.turn,
      start: p.start,
      end: p.end,
      type: p.type,
      text: transcript.turns[p.turn]?.said.slice(p.start, p.end),
      at: p.start,
    }));
    const order = (a: { turn: number; start: number }, b: { turn: number; start: number }) =>
      a.turn - b.turn || a.start - b.start;
    expect(marks.sort(order)).toEqual(expected.sort(order));
    for (const p of labels.spokenPii)
      expect(transcript.turns[p.turn]?.said.slice(p.start, p.end)).toBe(p.value);
    await page.close();
  });

  it('plays the call’s WAV, and choosing a turn (by keyboard) moves the audio to that turn and marks it', async () => {
    const call = calls[0];
    const page = await open(`#/calls/${call?.callId}`);
    const detail = (await (await fetch(`${console_.url}api/calls/${call?.callId}`)).json()) as {
      turns: Array<{ turn: number; timing: { startSec: number } | null }>;
    };
    const audio = page.locator('audio');
    await audio.waitFor();
    await page.waitForFunction(() => (document.querySelector('audio')?.readyState ?? 0) >= 1);
    // The WAV's own length from its header: bytes of samples over bytes per second.
    const wav = await readFile(join(dir, 'recordings', `${call?.callId}.wav`));
    const seconds = wav.readUInt32LE(40) / wav.readUInt32LE(28);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.duration)).toBeCloseTo(seconds, 1);

    const target = detail.turns.filter((t) => t.timing).at(-2);
    expect(target?.timing?.startSec).toBeGreaterThan(1);
    const button = page.getByRole('button', { name: new RegExp(`^Play from turn ${target?.turn} at`) });
    await button.focus();
    await page.keyboard.press('Enter');
    const start = target?.timing?.startSec ?? 0;
    await page.waitForFunction(
      (s) => {
        const a = document.querySelector('audio');
        return a !== null && !a.paused && a.currentTime > s + 0.2;
      },
      start,
      { timeout: 15_000 },
    );
    expect(await audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThanOrEqual(start);
    await page.locator(`li[data-turn="${target?.turn}"][aria-current="true"]`).waitFor();
    await page.close();
  });

  it('fits a phone’s width without sideways scrolling of the page', async () => {
    const page = await open(`#/calls/${calls[0]?.callId}`, 390);
    await page.locator('ol.turns li').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('shows the dataset’s label fidelity report', async () => {
    const page = await open('#/report');
    const frame = page.frameLocator('iframe[title="Label fidelity report"]');
    await frame.getByRole('heading', { name: 'Label fidelity report' }).waitFor();
    expect(await frame.locator('pre').first().textContent()).toContain(`calls        ${calls.length} (`);
    await page.close();
  });

  it('shows the calls of a generate run appear in progress and then end, with their end reasons', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-console-live-'));
    let live: RunningConsole | undefined;
    let page: Page | undefined;
    try {
      await generate(
        testGenerateOptions(out, {
          calls: 3,
          concurrency: 3,
          maxTurns: 8,
          seed: 'console-live',
          // Lines at a model's pace, scaled down: each call lasts seconds, so the page sees it in progress.
          testProvider: slowScriptedProvider(150, 300),
          lineTiming: { LLM_PROVIDER: 'openai', OPENAI_TIMEOUT: 2_000, OPENAI_MAX_RETRIES: 0 },
          replyHoldMs: 100,
          watch: async (bus, topics) => {
            const feed = await watchBus({ bus, topics, group: 'console-test', source: 'memory' });
            live = await startConsole({
              dataset: out,
              datasetMustExist: false,
              live: feed,
              host: '127.0.0.1',
              port: 0,
            });
            page = await browser.newPage();
            await page.goto(`${live.url}#/live`);
            await page.getByText('No call in progress.').waitFor();
            // Every call id the in-progress table ever shows, however briefly.
            await page.evaluate(() => {
              const seen = new Set<string>();
              (window as unknown as { seenActive: Set<string> }).seenActive = seen;
              const note = () => {
                for (const tr of document.querySelectorAll('[data-testid="active"] tr[data-call]'))
                  seen.add(tr.getAttribute('data-call') ?? '');
              };
              new MutationObserver(note).observe(document.body, { subtree: true, childList: true });
            });
            return feed;
          },
        }),
      );
      const ran = (await readFile(join(out, 'calls.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CallRecord);
      const p = page as unknown as Page;
      await p.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="ended"] tr[data-call]').length === n,
        ran.length,
      );
      const seen = await p.evaluate(() =>
        [...(window as unknown as { seenActive: Set<string> }).seenActive].sort(),
      );
      // Calls appear in progress before they end. Not every one need be caught between two pushes on a busy
      // machine, but whatever the table showed was a call of this run.
      expect(seen.length).toBeGreaterThan(0);
      for (const id of seen) expect(ran.map((c) => c.callId)).toContain(id);
      const ended = await p
        .locator('[data-testid="ended"] tr[data-call]')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.getAttribute('data-call'), tr.children[2]?.textContent ?? '']),
        );
      for (const c of ran) {
        const row = ended.find(([id]) => id === c.callId);
        expect(row?.[1], c.callId).toContain((c.endReason ?? '').replaceAll('_', ' '));
      }
      expect(await p.locator('.kpis li').filter({ hasText: 'ended' }).locator('.value').textContent()).toBe(
        String(ran.length),
      );
    } finally {
      await page?.close();
      await live?.close();
    }
  }, 120_000);
});
