import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallRecord, Transcript } from '@synthcall/analytics-sink/dataset';
import { type ReceivedMessage, startSegmentReceiver } from '@synthcall/analytics-sink/testing';
import { type ConversationState, TOPICS } from '@synthcall/schemas';
import { integrationEnv, kafkaBusForTest, uniqueName } from '@synthcall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { requestCalls } from './request.js';
import { simSaid } from './testing/sim-said.js';
import { startUp, UP_SIM_ACCOUNT_SID, UP_SIM_AUTH_TOKEN, type Up } from './up.js';

// The services `up` starts use the manifest's topic names and their fixed consumer groups, as in production: this
// test cannot give them fresh topics. It stays apart from other runs on the same broker by its own request id (the
// lines it checks are filtered by it) and its own dataset folder. Calls another test requests on the manifest's
// call-requests topic while this one runs would be placed here too, and land in this dataset: harmless, not counted.

const CALLS = 20;
const WRITE_KEY = 'synthcall-up-it-write-key';
const lines: string[] = [];
let up: Up | undefined;
let dir = '';

const closers: Array<() => Promise<void>> = [];

afterAll(async () => {
  await up?.stop();
  for (const close of closers.splice(0)) await close();
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
  it('runs 20 requested calls through the separate service processes into the dataset, and stops every child', async () => {
    const env = integrationEnv();
    dir = await mkdtemp(join(tmpdir(), 'synthcall-up-it-'));
    const segment = await startSegmentReceiver(WRITE_KEY);
    closers.push(() => segment.close());
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
      // The analytics-sink sends its Segment calls to the test's Segment-compatible receiver.
      baseEnv: {
        PATH: process.env.PATH ?? '',
        SEGMENT_WRITE_KEY: WRITE_KEY,
        SEGMENT_HOST: segment.url,
        SEGMENT_FLUSH_INTERVAL_MS: '200',
      },
      print: (line) => lines.push(line),
    });
    expect(up.addresses.stack).toBe('external');
    expect(up.pids).toHaveLength(5);

    const requestId = uniqueName('up-it');
    const sent = await requestCalls({
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
      waitMs: 60_000,
    });
    // `synthcall request` says "requested" once the orchestrator planned a call of it.
    expect(sent.map((r) => r.verdict)).toEqual([{ outcome: 'accepted', firstCallId: `${requestId}-0000` }]);
    // Only the orchestrator knows its call mode: a live request to this simulated one comes back refused, with why.
    const [live] = await requestCalls({
      calls: 1,
      seed: requestId,
      strategy: 'matched',
      maxTurns: 24,
      mode: 'live',
      industries: [],
      requests: 1,
      requestId: `${requestId}-live`,
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
      waitMs: 60_000,
    });
    expect(live?.verdict).toEqual({
      outcome: 'rejected',
      code: 'SYNTH_REQUEST_INVALID',
      reason: 'request asks for live calls but this orchestrator places simulated calls',
    });

    const deadline = Date.now() + 240_000;
    let calls = await callsOf(requestId);
    while (calls.length < CALLS && Date.now() < deadline) {
      await sleep(1_000);
      calls = await callsOf(requestId);
    }
    expect(calls, `dataset lines after 240 s; up printed:\n${lines.slice(-30).join('\n')}`).toHaveLength(
      CALLS,
    );
    for (const call of calls) {
      expect(call.endReason).not.toBeNull();
      expect(call.turnCount).toBeGreaterThanOrEqual(6);
      expect(existsSync(join(dir, 'transcripts', `${call.callId}.json`))).toBe(true);
      // The engine's GroundTruthRecorded reached the labels through the ground-truth topic.
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

    // The conversation as each part saw it. Every role's history holds only its own lines as `assistant`, and the
    // transcript (the sink's view, from replies) is what twilio-sim logged as said by that role's leg.
    const ids = new Set(calls.map((c) => c.callId));
    const states = new Map<string, ConversationState>();
    const reader = (await kafkaBusForTest()).bus;
    closers.push(() => reader.close());
    await reader.subscribe({
      topic: TOPICS.conversationState,
      group: uniqueName('up-it-state'),
      fromBeginning: true,
      ephemeral: true,
      handler: async ({ value }) => {
        if (!value || !ids.has(value.callId)) return;
        const known = states.get(value.callId);
        if (!known || BigInt(value.version) > BigInt(known.version)) states.set(value.callId, value);
      },
    });
    const stateDeadline = Date.now() + 30_000;
    while ([...ids].some((id) => states.get(id)?.status !== 'ended') && Date.now() < stateDeadline)
      await sleep(250);
    const said = await simSaid({
      baseUrl: up.addresses.simUrl,
      accountSid: UP_SIM_ACCOUNT_SID,
      authToken: UP_SIM_AUTH_TOKEN,
    });
    for (const call of calls) {
      const { turns } = JSON.parse(
        await readFile(join(dir, 'transcripts', `${call.callId}.json`), 'utf8'),
      ) as Transcript;
      // No turn lost or duplicated; roles alternate, agent first.
      expect(turns.map((t) => t.turn)).toEqual(turns.map((_, i) => i));
      expect(turns.map((t) => t.role)).toEqual(turns.map((_, i) => (i % 2 === 0 ? 'agent' : 'customer')));
      const state = states.get(call.callId);
      expect(state?.status, call.callId).toBe('ended');
      for (const role of ['agent', 'customer'] as const) {
        const own = turns.filter((t) => t.role === role).map((t) => t.said);
        const history = role === 'agent' ? state?.agentHistory : state?.customerHistory;
        const assistant = (history ?? []).filter((m) => m.role === 'assistant').map((m) => m.content);
        expect(assistant, `${call.callId} ${role} history`).toEqual(own);
        expect(said.get(`${call.callId}:${role}`), `${call.callId} ${role} said`).toEqual(own);
      }
    }

    // Segment (analytics-node in the sink process): one identify and three tracks per call, all synthetic.
    const mine = (m: ReceivedMessage) => ids.has(m.messageId.split(':')[0] ?? '');
    const segmentDeadline = Date.now() + 30_000;
    while (segment.messages.filter(mine).length < CALLS * 4 && Date.now() < segmentDeadline) await sleep(250);
    const messages = segment.messages.filter(mine);
    expect(segment.violations).toEqual([]);
    expect(messages).toHaveLength(CALLS * 4);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(CALLS * 4);
    for (const m of messages) {
      expect(m.type === 'identify' ? m.traits : m.properties).toMatchObject({ synthetic: true });
    }

    const pids = up.pids;
    await up.stop();
    up = undefined;
    expect(pids.filter(isAlive)).toEqual([]);
  }, 420_000);

  it('runs requested calls through 2 replicas of each service: every call written once, whole, and every engine and sink replica handled calls', async () => {
    const env = integrationEnv();
    const runDir = await mkdtemp(join(tmpdir(), 'synthcall-up-replicas-it-'));
    closers.push(() => rm(runDir, { recursive: true, force: true }));
    up = await startUp({
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
      datasetDir: runDir,
      clock: 'fast',
      logLevel: 'warn',
      stopStack: false,
      maxConcurrentCalls: CALLS,
      replicas: 2,
      readyTimeoutMs: 180_000,
      stopGraceMs: 15_000,
      baseEnv: { PATH: process.env.PATH ?? '' },
      print: (line) => lines.push(line),
    });
    // The sim and two of each of the four services.
    expect(up.pids).toHaveLength(9);
    expect(Object.values(up.addresses.ops).map((replicas) => replicas.length)).toEqual([2, 2, 2, 2]);

    const requestId = uniqueName('up-replicas-it');
    // Four requests of 5 calls, so both orchestrators may get some (a request is placed by one).
    const sent = await requestCalls({
      calls: CALLS / 4,
      seed: requestId,
      strategy: 'matched',
      maxTurns: 24,
      mode: 'simulated',
      industries: [],
      requests: 4,
      requestId,
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
      // On a loaded machine the first plans wait for the replicas' consumer groups to settle.
      waitMs: 180_000,
    });
    expect(sent.map((r) => r.verdict.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    const mine = async () => {
      const file = join(runDir, 'calls.jsonl');
      if (!existsSync(file)) return [];
      return (await readFile(file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as CallRecord)
        .filter((r) => r.requestId?.startsWith(requestId));
    };
    const deadline = Date.now() + 300_000;
    let calls = await mine();
    while (calls.length < CALLS && Date.now() < deadline) {
      await sleep(1_000);
      calls = await mine();
    }
    // Written once each, though two sinks share the folder; no turn lost or doubled across the replicas.
    const twice = calls.map((c) => c.callId).filter((id, i, all) => all.indexOf(id) !== i);
    expect(twice, 'calls written twice').toEqual([]);
    expect(calls, `dataset lines after 300 s; up printed:\n${lines.slice(-30).join('\n')}`).toHaveLength(
      CALLS,
    );
    for (const call of calls) {
      expect(call.endReason).not.toBeNull();
      const { turns } = JSON.parse(
        await readFile(join(runDir, 'transcripts', `${call.callId}.json`), 'utf8'),
      ) as Transcript;
      expect(turns.map((t) => t.turn)).toEqual(turns.map((_, i) => i));
      expect(turns.map((t) => t.role)).toEqual(turns.map((_, i) => (i % 2 === 0 ? 'agent' : 'customer')));
    }
    // The manifest counts both sinks' lines (calls of other runs' requests on this broker may be in it too).
    const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
    const perRequest = Object.entries(manifest.counts.requests as Record<string, number>);
    expect(perRequest.filter(([id]) => id.startsWith(requestId)).reduce((n, [, c]) => n + c, 0)).toBe(CALLS);
    expect(manifest.counts.calls).toBe(perRequest.reduce((n, [, c]) => n + c, 0));

    // The calls were split: each engine and each sink replica read plans from the calls topic (20 call ids over
    // 6 partitions, 3 a replica: all on one replica's partitions would be a 1-in-2^19 event).
    const plansRead = async (ops: string) => {
      const text = await (await fetch(`${ops}/metrics`)).text();
      return [...text.matchAll(/^synthcall_messages_consumed_total\{([^}]*)\} (\d+)/gm)]
        .filter(([, labels]) => labels?.includes('topic="calls"'))
        .reduce((sum, [, , n]) => sum + Number(n), 0);
    };
    for (const name of ['conversation-engine', 'analytics-sink'] as const) {
      const read = await Promise.all(up.addresses.ops[name].map(plansRead));
      expect(
        read.every((n) => n > 0),
        `${name} replicas read ${read.join(' and ')} plans`,
      ).toBe(true);
    }

    const pids = up.pids;
    await up.stop();
    up = undefined;
    expect(pids.filter(isAlive)).toEqual([]);
  }, 600_000);

  it('refuses more replicas than the partitions of a topic the services read, naming the topic', async () => {
    const env = integrationEnv();
    const refusedDir = await mkdtemp(join(tmpdir(), 'synthcall-up-replicas-refused-'));
    closers.push(() => rm(refusedDir, { recursive: true, force: true }));
    const refused = await startUp({
      brokers: env.brokers.split(','),
      registryUrl: env.registryUrl,
      datasetDir: refusedDir,
      clock: 'fast',
      logLevel: 'warn',
      stopStack: false,
      maxConcurrentCalls: 1,
      replicas: 4,
      readyTimeoutMs: 60_000,
      stopGraceMs: 5_000,
      baseEnv: { PATH: process.env.PATH ?? '' },
      print: (line) => lines.push(line),
    }).catch((err: unknown) => err);
    expect(refused).toMatchObject({
      code: 'SYNTH_UP_OPTIONS',
      message: expect.stringMatching(/call-requests has 3 partitions.*--replicas 3 or fewer/),
    });
  });
});
