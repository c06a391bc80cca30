// Requests/s of the gateway (signature check, zod body validation, a CallLifecycle published on the bus) against
// bare express answering the same webhook with fixed TwiML, measured in the same run with autocannon. Each server
// runs in its own process pinned to one core (taskset), autocannon in this process on the other core. Rounds
// alternate the two, so a neighbour's load shows as disagreement between rounds. Prints figures; asserts nothing.
//   npm run bench -w @synthcall/twiml-gateway     (ROUND_SECONDS=10 CONNECTIONS=16 ROUNDS=2 to change the sizes)
// The bus is the in-process one with the Avro codecs: the figure is the gateway's own cost per webhook, not the
// broker's (the 2-replica call-loop bench in cli/bench measures the gateway over Kafka).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { busFromConfig } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import { exampleEvents, TOPICS } from '@synthcall/schemas';
import { cpuSeconds } from '@synthcall/stack';
import autocannon from 'autocannon';
import express from 'express';
import twilio from 'twilio';
import { createApp } from '../src/app.js';
import { loadTwimlGatewayConfig } from '../src/config.js';

const env = process.env;
const ROUND_SECONDS = Number(env.ROUND_SECONDS ?? 10);
const CONNECTIONS = Number(env.CONNECTIONS ?? 16);
const ROUNDS = Number(env.ROUNDS ?? 2);
const TOKEN = 'bench-auth-token-0123456789abcdef';
const CALL_ID = 'bench-call-0001';
const FIXED_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const BENCH = {
  token: TOKEN,
  callId: CALL_ID,
  path: `/twilio/status/call?callId=${CALL_ID}&role=agent`,
  // A call's completed status callback as Twilio sends it (form-encoded).
  params: {
    AccountSid: `AC${'0'.repeat(32)}`,
    ApiVersion: '2010-04-01',
    CallSid: `CA${'1'.repeat(32)}`,
    CallStatus: 'completed',
    CallDuration: '42',
    Called: '+15550001000',
    Caller: '+15550009999',
    Direction: 'outbound-api',
    From: '+15550009999',
    To: '+15550001000',
    Timestamp: 'Mon, 07 Dec 2026 17:00:00 +0000',
  } as Record<string, string>,
};

type ServerKind = 'express' | 'gateway';

/** A free loopback port: the gateway's public URL, which the signature covers, must name it before it is built. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The server side (this file run with `express` or `gateway`): listens on a free loopback port, prints its URL. */
async function serve(kind: ServerKind): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (kind === 'express') {
    const bare = express();
    bare.disable('x-powered-by');
    bare.disable('etag');
    bare.post('/twilio/status/call', (_req, res) => {
      res.type('text/xml').send(FIXED_TWIML);
    });
    const server = createServer(bare);
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  } else {
    const bus = busFromConfig({ SYNTHCALL_BUS: 'memory' }, { clientId: 'bench', dropConsumed: true });
    const app = await createApp({
      config: loadTwimlGatewayConfig({ GATEWAY_PUBLIC_URL: url, TWILIO_AUTH_TOKEN: TOKEN }),
      logger: createLogger({ service: 'twiml-gateway', version: 'bench', level: 'silent' }),
      registry: createMetricsRegistry({ service: 'twiml-gateway', version: 'bench', defaultMetrics: false }),
      bus,
    });
    // The call is known (its CallPlanned was read), as for every callback of a call this system placed.
    await bus.publish(TOPICS.calls, CALL_ID, exampleEvents(CALL_ID).CallPlanned);
    await app.listen(port);
  }
  console.log(url);
  process.on('SIGTERM', () => process.exit(0));
}

/** Every server process started, so a stuck run can kill them all. */
const started: ChildProcess[] = [];

/** Starts one server (this file, server side) pinned to `core`; resolves with its URL once it serves. */
function startServer(kind: ServerKind, core: number): Promise<{ url: string; proc: ChildProcess }> {
  const script = fileURLToPath(import.meta.url);
  // taskset execs node in place, so the pid is the server's own (its CPU time is read from /proc).
  const proc = spawn(
    'taskset',
    ['-c', String(core), process.execPath, '--conditions=@synthcall/source', '--import', 'tsx', script, kind],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  started.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before listening`)));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      resolve({ url: line.trim(), proc });
    });
  });
}

async function load(
  url: string,
  seconds: number,
): Promise<{ rps: number; requests: number; non2xx: number; p99: number }> {
  const body = new URLSearchParams(BENCH.params).toString();
  const signature = twilio.getExpectedTwilioSignature(TOKEN, url + BENCH.path, BENCH.params);
  const result = await autocannon({
    url: url + BENCH.path,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors,
    p99: result.latency.p99,
  };
}

async function main(): Promise<void> {
  // autocannon (this process) on core 1, each server on core 0: one core each.
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  // Bounded: a server or load round that hangs ends the run (servers killed by the finally below) instead of the bench.
  const bound = (ROUND_SECONDS + 1) * 2 * ROUNDS * 1000 + 120_000;
  const watchdog = setTimeout(() => {
    console.error(`the bench did not finish in ${bound / 1000} s: stopping`);
    for (const proc of started) proc.kill('SIGKILL');
    process.exit(1);
  }, bound);
  watchdog.unref();
  const servers = {
    express: await startServer('express', 0),
    gateway: await startServer('gateway', 0),
  };
  try {
    console.log(
      `gateway vs bare express, ${CONNECTIONS} connections, ${ROUND_SECONDS} s a round, each server pinned to core 0, autocannon to core 1`,
    );
    const totals = { express: 0, gateway: 0 };
    const cpu = { express: { seconds: 0, requests: 0 }, gateway: { seconds: 0, requests: 0 } };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of ['express', 'gateway'] as const) {
        await load(servers[kind].url, 1); // warm-up: JIT and keep-alive connections
        const pid = servers[kind].proc.pid as number;
        const before = cpuSeconds(pid);
        const r = await load(servers[kind].url, ROUND_SECONDS);
        const used = cpuSeconds(pid) - before;
        totals[kind] += r.rps;
        cpu[kind].seconds += used;
        cpu[kind].requests += r.requests;
        console.log(
          `round ${round}  ${kind.padEnd(7)}: ${r.rps.toFixed(0)} requests/s, p99 ${r.p99} ms, non-2xx or errors ${r.non2xx}, ${((used / r.requests) * 1e6).toFixed(0)} µs CPU a request`,
        );
      }
    }
    const ratio = totals.gateway / totals.express;
    console.log(
      `gateway / bare express: ${(totals.gateway / ROUNDS).toFixed(0)} / ${(totals.express / ROUNDS).toFixed(0)} requests/s = ${ratio.toFixed(2)} (target ≥ 0.60)`,
    );
    // On a shared machine the servers get what the neighbours leave of core 0; CPU per request does not depend on
    // that, so its ratio is the requests/s ratio the two would reach with a core each to themselves.
    const perRequest = (k: 'express' | 'gateway') => cpu[k].seconds / cpu[k].requests;
    console.log(
      `CPU a request: gateway ${(perRequest('gateway') * 1e6).toFixed(0)} µs, bare express ${(perRequest('express') * 1e6).toFixed(0)} µs = ${(perRequest('express') / perRequest('gateway')).toFixed(2)} × the requests/s per CPU-second (target ≥ 0.60)`,
    );
  } finally {
    for (const { proc } of Object.values(servers)) proc.kill('SIGTERM');
  }
}

const role = process.argv[2];
(role === 'express' || role === 'gateway' ? serve(role) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
