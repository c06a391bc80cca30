import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallRecord } from '@synthcall/analytics-sink';
import { integrationEnv, uniqueName } from '@synthcall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { requestCalls } from './request.js';
import { startUp, type Up } from './up.js';

// The services `up` starts use the manifest's topic names and their fixed consumer groups, as in production: this
// test cannot give them fresh topics. It stays apart from other runs on the same broker by its own request id (the
// lines it checks are filtered by it) and its own dataset folder. Calls another test requests on the manifest's
// call-requests topic while this one runs would be placed here too, and land in this dataset: harmless, not counted.

const CALLS = 3;
const lines: string[] = [];
let up: Up | undefined;
let dir = '';

afterAll(async () => {
  await up?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function callsOf(requestId: string): Promise<CallRecord[]> {
  const file = join(dir, 'calls.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord)
    .filter((r) => r.requestId === requestId);
}

describe('synthcall up', () => {
  it('runs requested calls through the separate service processes into the dataset, and stops every child', async () => {
    const env = integrationEnv();
    dir = await mkdtemp(join(tmpdir(), 'synthcall-up-it-'));
    up = await startUp({
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
      datasetDir: dir,
      clock: 'fast',
      logLevel: 'warn',
      stopStack: false,
      maxConcurrentCalls: CALLS,
      readyTimeoutMs: 120_000,
      stopGraceMs: 15_000,
      // Only what a child needs to start: the test runner's own variables stay out of the services.
      baseEnv: { PATH: process.env.PATH ?? '' },
      print: (line) => lines.push(line),
    });
    expect(up.addresses.stack).toBe('external');
    expect(up.pids).toHaveLength(5);

    const requestId = uniqueName('up-it');
    await requestCalls({
      calls: CALLS,
      seed: requestId,
      strategy: 'matched',
      maxTurns: 24,
      mode: 'simulated',
      industries: [],
      requests: 1,
      requestId,
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
    });

    const deadline = Date.now() + 120_000;
    let calls = await callsOf(requestId);
    while (calls.length < CALLS && Date.now() < deadline) {
      await sleep(1_000);
      calls = await callsOf(requestId);
    }
    expect(calls, `dataset lines after 120 s; up printed:\n${lines.slice(-30).join('\n')}`).toHaveLength(
      CALLS,
    );
    for (const call of calls) {
      expect(call.endReason).not.toBeNull();
      expect(call.turnCount).toBeGreaterThanOrEqual(6);
      expect(existsSync(join(dir, 'transcripts', `${call.callId}.json`))).toBe(true);
      // The scripted provider's own record reached the labels through the conversation-state topic.
      const labels = JSON.parse(await readFile(join(dir, 'labels', `${call.callId}.json`), 'utf8'));
      expect(labels).toMatchObject({ callId: call.callId, synthetic: true, source: 'provider' });
    }
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ synthetic: true, counts: { requests: { [requestId]: CALLS } } });
    // Voice Intelligence results come after each call (gateway → sim transcript → webhook → analytics-sink).
    const viFiles = () =>
      calls.filter((c) => existsSync(join(dir, 'intelligence', `${c.callId}.json`))).length;
    const viDeadline = Date.now() + 60_000;
    while (viFiles() < CALLS && Date.now() < viDeadline) await new Promise((r) => setTimeout(r, 250));
    expect(viFiles()).toBe(CALLS);

    const pids = up.pids;
    await up.stop();
    up = undefined;
    expect(pids.filter(isAlive)).toEqual([]);
  }, 300_000);
});
