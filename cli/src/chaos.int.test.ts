import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallRecord, Transcript } from '@synthcall/analytics-sink/dataset';
import { startThrowawayStack, type ThrowawayStack } from '@synthcall/stack';
import { APPLICATION_ERROR_TEXT } from '@synthcall/twilio-sim';
import { FALLBACK_WORDINGS } from '@synthcall/twiml-gateway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { requestCalls } from './request.js';
import { simSaid } from './testing/sim-said.js';
import { type ServiceName, startUp, UP_SIM_ACCOUNT_SID, UP_SIM_AUTH_TOKEN, type Up } from './up.js';

// Issue 12: each service is killed once with SIGKILL, and the broker restarted once, while 60 calls run over Kafka.
// The run has its own broker and registry (the shared test broker must never be restarted under other tests), and
// twilio-sim stays up throughout: it stands for Twilio, which does not crash with us.

const CALLS = 60;
const CONCURRENT = 10;
const REQUEST_ID = 'chaos-it';
/**
 * What is crashed, in order, each once the dataset holds that many ended calls: with at most CONCURRENT calls at a
 * time and 60 in all, calls are in flight at every crash.
 */
const CHAOS: Array<{ what: ServiceName | 'broker'; afterEnded: number }> = [
  { what: 'orchestrator', afterEnded: 3 },
  { what: 'twiml-gateway', afterEnded: 10 },
  { what: 'conversation-engine', afterEnded: 18 },
  { what: 'broker', afterEnded: 26 },
  { what: 'analytics-sink', afterEnded: 34 },
];
/** Calls that must end between two crashes. */
const PROGRESS_BETWEEN = 3;
/** The whole run, start-up of the stack and the services included, stays within this. */
const BUDGET_MS = 9 * 60_000;
/** How long the broker stays away: long enough for every client to notice, shorter than a call. */
const BROKER_DOWN_MS = 5_000;
/**
 * How long the conversation engine stays dead before it starts again: with its start-up, longer than the gateway's
 * reply wait (8 s), so the legs in flight hear fallback lines, and some calls end after a run of them.
 */
const ENGINE_DOWN_MS = 10_000;

const lines: string[] = [];
let stack: ThrowawayStack | undefined;
let up: Up | undefined;
let dir = '';

// SYNTHCALL_CHAOS_KEEP=1 keeps the dataset folder, with the services' lines (up.log) and what twilio-sim said
// (said.json), for a post-mortem; its path is printed.
const keep = Boolean(process.env.SYNTHCALL_CHAOS_KEEP);

afterAll(async () => {
  await up?.stop();
  await stack?.stop();
  if (!dir) return;
  if (keep) {
    await writeFile(join(dir, 'up.log'), lines.join('\n'));
    console.log(`[chaos] kept ${dir}`);
  } else await rm(dir, { recursive: true, force: true });
});

async function callsInDataset(): Promise<CallRecord[]> {
  const file = join(dir, 'calls.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord)
    .filter((r) => r.requestId === REQUEST_ID);
}

/** Polls the dataset (the sink appends a line per ended call) until `enough` holds or `deadline` passes. */
async function waitForDataset(
  enough: (calls: CallRecord[]) => boolean,
  deadline: number,
): Promise<CallRecord[]> {
  let calls = await callsInDataset();
  while (!enough(calls) && Date.now() < deadline) {
    await sleep(500);
    calls = await callsInDataset();
  }
  return calls;
}

const tail = () => lines.slice(-40).join('\n');

describe('chaos', () => {
  it(
    'a 60-call run survives a SIGKILL of each service and a broker restart: every call ends with a reason, no turn is lost or doubled, transcripts are what twilio-sim said, fallbacks flagged exactly where spoken',
    async () => {
      const started = Date.now();
      const deadline = started + BUDGET_MS;
      dir = await mkdtemp(join(tmpdir(), 'synthcall-chaos-it-'));
      stack = await startThrowawayStack({
        prefix: 'synthcall-chaos-stack-',
        javaHome: process.env.JAVA_HOME,
        registryJavaHome: process.env.SYNTHCALL_REGISTRY_JAVA_HOME,
        log: (line) => lines.push(`stack | ${line}`),
      });
      up = await startUp({
        brokers: [stack.brokers],
        registryUrl: stack.registryUrl,
        datasetDir: dir,
        clock: 'fast',
        logLevel: 'warn',
        stopStack: false,
        maxConcurrentCalls: CONCURRENT,
        readyTimeoutMs: 120_000,
        stopGraceMs: 15_000,
        baseEnv: {
          PATH: process.env.PATH ?? '',
          // The gateway's reconciler (docs/reliability.md): calls in flight across its restart are looked up within
          // seconds, and a call with no news for 20 s is looked up, instead of the production 30 s and 2 min.
          RECONCILE_INTERVAL_MS: '2s',
          RECONCILE_QUIET_MS: '20s',
        },
        print: (line) => lines.push(line),
      });
      const setupMs = Date.now() - started;

      await requestCalls({
        calls: CALLS,
        seed: 'chaos-seed-12',
        strategy: 'matched',
        maxTurns: 24,
        mode: 'simulated',
        industries: [],
        requests: 1,
        requestId: REQUEST_ID,
        brokers: [stack.brokers],
        registryUrl: stack.registryUrl,
      });

      const done: Array<{ what: string; atEnded: number; ms: number }> = [];
      for (const { what, afterEnded } of CHAOS) {
        // The run must have moved on since the previous crash (calls ending again) before the next one.
        const target = Math.max(afterEnded, (done.at(-1)?.atEnded ?? 0) + PROGRESS_BETWEEN);
        const ended = await waitForDataset((calls) => calls.length >= target, deadline);
        expect(
          ended.length,
          `calls in the dataset before crashing ${what}; done so far ${JSON.stringify(done)}\n${tail()}`,
        ).toBeGreaterThanOrEqual(target);
        const t0 = Date.now();
        lines.push(`chaos | crashing ${what} with ${ended.length} calls ended`);
        if (what === 'broker') {
          await stack.stopBroker();
          await sleep(BROKER_DOWN_MS);
          await stack.startBroker();
        } else {
          await up.crashAndRestart(what, { downMs: what === 'conversation-engine' ? ENGINE_DOWN_MS : 0 });
        }
        done.push({ what, atEnded: ended.length, ms: Date.now() - t0 });
        lines.push(`chaos | ${what} back after ${Date.now() - t0} ms`);
      }

      const calls = await waitForDataset((c) => c.length >= CALLS, deadline);
      const runMs = Date.now() - started;
      expect(calls.map((c) => c.callId).sort(), `calls in the dataset after ${runMs} ms\n${tail()}`).toEqual(
        Array.from({ length: CALLS }, (_, i) => `${REQUEST_ID}-${String(i).padStart(4, '0')}`),
      );

      const said = await simSaid({
        baseUrl: up.addresses.simUrl,
        accountSid: UP_SIM_ACCOUNT_SID,
        authToken: UP_SIM_AUTH_TOKEN,
      });
      if (keep) await writeFile(join(dir, 'said.json'), JSON.stringify(Object.fromEntries(said), null, 2));
      let fallbacks = 0;
      let applicationErrors = 0;
      const endReasons: Record<string, number> = {};
      for (const call of calls) {
        expect.soft(call.endReason, `${call.callId} end reason`).not.toBeNull();
        endReasons[call.endReason ?? 'none'] = (endReasons[call.endReason ?? 'none'] ?? 0) + 1;
        const { turns } = JSON.parse(
          await readFile(join(dir, 'transcripts', `${call.callId}.json`), 'utf8'),
        ) as Transcript;
        // No turn lost or doubled; roles alternate, agent first.
        expect
          .soft(
            turns.map((t) => t.turn),
            call.callId,
          )
          .toEqual(turns.map((_, i) => i));
        expect
          .soft(
            turns.map((t) => t.role),
            call.callId,
          )
          .toEqual(turns.map((_, i) => (i % 2 === 0 ? 'agent' : 'customer')));
        expect.soft(call.turnCount, call.callId).toBe(turns.length);
        for (const role of ['agent', 'customer'] as const) {
          // Twilio's own application-error message (a webhook that failed while the gateway was down) is said on the
          // leg but is nobody's line; every other line the leg said must be in the transcript, in order.
          const legSaid = said.get(`${call.callId}:${role}`) ?? [];
          applicationErrors += legSaid.filter((t) => t === APPLICATION_ERROR_TEXT).length;
          const spoken = legSaid.filter((t) => t !== APPLICATION_ERROR_TEXT);
          const own = turns.filter((t) => t.role === role);
          expect
            .soft(
              own.map((t) => t.said),
              `${call.callId} ${role}: transcript vs said`,
            )
            .toEqual(spoken);
          // A fallback is a line in the gateway's fallback wording (the scripted engine never uses those words).
          expect
            .soft(
              own.map((t) => t.fallback),
              `${call.callId} ${role}: fallback flags`,
            )
            .toEqual(spoken.map((t) => FALLBACK_WORDINGS.has(t)));
        }
        const flagged = turns.filter((t) => t.fallback).length;
        expect.soft(call.fallbackTurns, call.callId).toBe(flagged);
        fallbacks += flagged;
      }
      console.log(
        `[chaos] ${CALLS} calls in ${(runMs / 1000).toFixed(0)} s (start-up ${(setupMs / 1000).toFixed(0)} s); ` +
          `crashes ${JSON.stringify(done)}; end reasons ${JSON.stringify(endReasons)}; ` +
          `fallback turns ${fallbacks}; application errors ${applicationErrors}`,
      );
    },
    BUDGET_MS + 60_000,
  );
});
