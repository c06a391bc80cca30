/// <reference lib="dom" />
// The README's console screenshots, from a real run: generates a small dataset with audio while the Live view watches
// it, then photographs Calls, a call and the Report over the dataset it wrote. Debian's Chromium; nothing is faked.
// Usage: npx tsx --conditions=@synthcall/source scripts/console-screenshots.ts [out dir, default ../docs/console]
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Labels } from '@synthcall/analytics-sink/dataset';
import type { Page } from 'playwright-core';
import { watchBus } from '../src/console/live.js';
import { type RunningConsole, startConsole } from '../src/console/start.js';
import { launchChromium } from '../src/console/testing/browser.js';
import { generate } from '../src/embedded.js';

const outDir = resolve(process.argv[2] ?? new URL('../../docs/console', import.meta.url).pathname);
await mkdir(outDir, { recursive: true });
const data = await mkdtemp(join(tmpdir(), 'synthcall-screenshots-'));
const browser = await launchChromium();
let running: RunningConsole | undefined;
let live: Page | undefined;
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(outDir, `${name}.png`) });
  console.log(`wrote ${join(outDir, `${name}.png`)}`);
};

try {
  const run = generate({
    calls: 8,
    seed: 'screenshots',
    strategy: 'matched',
    concurrency: 3,
    out: data,
    maxTurns: 24,
    asrWer: 0.05,
    audio: true,
    timeoutMs: 1_800_000,
    logLevel: 'silent',
    version: 'screenshots',
    watch: async (bus, topics) => {
      const feed = await watchBus({ bus, topics, group: 'screenshots', source: 'memory' });
      running = await startConsole({
        dataset: data,
        datasetMustExist: false,
        live: feed,
        host: '127.0.0.1',
        port: 0,
      });
      live = await browser.newPage({ viewport: { width: 1280, height: 760 } });
      await live.goto(`${running.url}#/live`);
      return feed;
    },
  });
  // The Live view while calls are in progress and some have ended.
  const page = await new Promise<Page>((r) => {
    const wait = () => (live ? r(live) : setTimeout(wait, 100));
    wait();
  });
  await page
    .waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="active"] tr[data-call]').length >= 2 &&
        document.querySelectorAll('[data-testid="ended"] tr[data-call]').length >= 2,
      undefined,
      { timeout: 600_000, polling: 500 },
    )
    .catch(() => console.log('live: fewer than 2 calls in progress beside 2 ended; photographed as it is'));
  await page.waitForTimeout(600);
  await shot(page, 'live');
  const summary = await run;
  console.log(`generated ${summary.finished} calls into ${data}`);
  if (!running) throw new Error('the console did not start');
  const url = running.url;

  const open = async (hash: string, width = 1280, height = 800) => {
    const p = await browser.newPage({ viewport: { width, height } });
    await p.goto(`${url}${hash}`);
    return p;
  };
  const calls = await open('#/calls');
  await calls.locator('table.calls tbody tr').first().waitFor();
  await shot(calls, 'calls');

  // The call with the most PII spans, a few turns in, playing.
  const ids = (await readFile(join(data, 'calls.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { callId: string }).callId);
  let best = ids[0] ?? '';
  let most = -1;
  for (const id of ids) {
    const labels = JSON.parse(await readFile(join(data, 'labels', `${id}.json`), 'utf8')) as Labels;
    if (labels.spokenPii.length > most) [best, most] = [id, labels.spokenPii.length];
  }
  const call = await open(`#/calls/${best}`, 1280, 900);
  await call.locator('ol.turns li').first().waitFor();
  await call.waitForFunction(() => (document.querySelector('audio')?.readyState ?? 0) >= 1);
  await call.getByRole('button', { name: /^Play from turn 1 at/ }).click();
  await call.waitForTimeout(1_500);
  await call.evaluate(() => document.querySelector('audio')?.pause());
  await shot(call, 'call');

  const phone = await open(`#/calls/${best}`, 390, 844);
  await phone.locator('ol.turns li').first().waitFor();
  await shot(phone, 'call-phone');

  const report = await open('#/report', 1280, 900);
  await report.frameLocator('iframe').getByRole('heading', { name: 'Label fidelity report' }).waitFor();
  await report.waitForTimeout(300);
  await shot(report, 'report');
} finally {
  await browser.close();
  await (running as RunningConsole | undefined)?.close();
}
