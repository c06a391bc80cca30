/// <reference lib="dom" />
// Page load of the web console over a dataset (issue 16: ≤ 1 s for 1,000 calls on the project's 2-core machine).
// Usage: npx tsx --conditions=@synthcall/source bench/console-load.ts <dataset dir> [runs]
// Each run opens a fresh page (no cache) and times, from the navigation's start, until the Calls view shows every
// call of the dataset; then the same for one call's page. Prints the figures; asserts nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startConsole } from '../src/console/start.js';
import { launchChromium } from '../src/console/testing/browser.js';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!dir) throw new Error('usage: console-load.ts <dataset dir> [runs]');
const calls = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n').length;
const firstId = (
  JSON.parse((await readFile(join(dir, 'calls.jsonl'), 'utf8')).split('\n')[0] ?? '{}') as {
    callId: string;
  }
).callId;

const running = await startConsole({ dataset: dir, datasetMustExist: true, host: '127.0.0.1', port: 0 });
const browser = await launchChromium();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
try {
  const time = async (hash: string, done: (n: number) => number | false, arg: number) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${running.url}${hash}`, { waitUntil: 'commit' });
    // performance.now() counts from the navigation's start (timeOrigin).
    const ms = await page.waitForFunction(done, arg, { timeout: 30_000, polling: 'raf' });
    const value = (await ms.jsonValue()) as number;
    const { bytes, dataAt } = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      return {
        bytes: entries.reduce((n, e) => n + (e.transferSize || 0), 0),
        dataAt: entries.find((e) => e.name.endsWith('/api/dataset'))?.responseEnd ?? 0,
      };
    });
    await context.close();
    return { ms: value, bytes, dataAt };
  };
  // The first screen: the count of every call and the first rows; then every row in the table.
  const firstScreen = (n: number) =>
    (document.querySelector('p.count')?.textContent ?? '').startsWith(`${n} of ${n} calls`) &&
    document.querySelectorAll('table.calls tbody tr').length > 0 &&
    performance.now();
  const allRows = (n: number) =>
    document.querySelectorAll('table.calls tbody tr').length === n && performance.now();
  const callDone = () => document.querySelectorAll('ol.turns li').length > 0 && performance.now();
  const first: number[] = [];
  const dataAt: number[] = [];
  const all: number[] = [];
  const call: number[] = [];
  let listBytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const f = await time('#/calls', firstScreen, calls);
    first.push(f.ms);
    listBytes = f.bytes;
    const a = await time('#/calls', allRows, calls);
    all.push(a.ms);
    dataAt.push(a.dataAt);
    call.push((await time(`#/calls/${encodeURIComponent(firstId)}`, callDone, 0)).ms);
  }
  const fmt = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(
    `dataset       ${dir}: ${calls} calls, ${(listBytes / 1024).toFixed(0)} kB transferred for the list`,
  );
  console.log(`calls, shown  ${fmt(first)}`);
  console.log(`calls, all    ${fmt(all)}`);
  console.log(`  of which the list's data had arrived at ${fmt(dataAt)}`);
  console.log(`a call page   ${fmt(call)}`);
} finally {
  await browser.close();
  await running.close();
}
