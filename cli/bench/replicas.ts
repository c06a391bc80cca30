// Benchmark of the call loop over Kafka with 2 replicas of each service (`synthcall up --replicas 2`): calls/min, a
// turn's heard → reply latency, and the raw Kafka produce → consume round trip measured in the same run (before the
// calls, on the idle broker, and during them), which issue 13 compares the turn with (p99 ≤ 3 × the raw p99).
// Kafka comes from KAFKA_BROKERS + SCHEMA_REGISTRY_URL, else a throwaway local stack. Prints figures; asserts nothing.
//   npm run bench -w @synthcall/cli      (CALLS=300 CONCURRENCY=40 REPLICAS=2 ROUNDTRIPS=300 to change the sizes)
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busFromConfig, percentile, roundTrips } from '@synthcall/event-bus';
import { TOPICS, topicSpecs } from '@synthcall/schemas';
import { benchmarkKafka, cpuSeconds, provision } from '@synthcall/stack';
import { requestCalls } from '../src/request.js';
import { observeTurnLatency } from '../src/turn-latency.js';
import { startUp } from '../src/up.js';

const env = process.env;
const REPLICAS = Number(env.REPLICAS ?? 2);
const REQUESTS = 6;
const CALLS = Math.ceil(Number(env.CALLS ?? 300) / REQUESTS) * REQUESTS;
const CONCURRENCY = Number(env.CONCURRENCY ?? 40);
const ROUNDTRIPS = Number(env.ROUNDTRIPS ?? 300);
// Bounded: a run that stalls stops here and says how far it got.
const RUN_LIMIT_MS = Number(env.RUN_LIMIT_MS ?? 20 * 60_000);

const ms = (sorted: number[], p: number) => percentile(sorted, p).toFixed(1);

async function main(): Promise<void> {
  const { brokers, registryUrl, stop } = await benchmarkKafka(env);
  const run = `bench-replicas-${Date.now()}`;
  const dir = await mkdtemp(join(tmpdir(), `synthcall-${run}-`));
  const utterances = topicSpecs().find((t) => t.name === TOPICS.utterances.name);
  if (!utterances) throw new Error('the topic manifest has no utterances topic');
  // Two topics for the raw round trips, shaped like utterances (same schema, partitions and configs).
  await provision({
    brokers,
    registryUrl,
    topics: [`${run}-rt-idle`, `${run}-rt-load`].map((name) => ({ ...utterances, name })),
  });
  const bus = busFromConfig(
    { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: brokers.split(','), SCHEMA_REGISTRY_URL: registryUrl },
    { clientId: run, maxWaitTimeInMs: 20 },
  );
  const printed: string[] = [];
  let up: Awaited<ReturnType<typeof startUp>> | undefined;
  try {
    const idle = await roundTrips(bus, `${run}-rt-idle`, ROUNDTRIPS, { ephemeral: true });

    up = await startUp({
      brokers: brokers.split(','),
      registryUrl,
      datasetDir: dir,
      clock: 'fast',
      logLevel: 'warn',
      stopStack: false,
      maxConcurrentCalls: Math.ceil(CONCURRENCY / REPLICAS),
      replicas: REPLICAS,
      readyTimeoutMs: 600_000,
      stopGraceMs: 15_000,
      baseEnv: { PATH: env.PATH ?? '' },
      print: (line) => {
        printed.push(line);
        if (printed.length > 40) printed.shift();
      },
    });
    const turns = await observeTurnLatency(bus, TOPICS, `${run}-turns`, { ephemeral: true });

    // CPU of the services and the sim (not the broker): the run's cost whatever the neighbours leave of the cores.
    const pids = [...up.pids];
    // Each process by what it runs (services/<name>/… or twilio-sim), so the figures say which part costs most.
    const nameOf = (pid: number) =>
      /services\/([a-z-]+)\/|twilio-sim/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ??
      'twilio-sim';
    const cpuByName = () => {
      const by = new Map<string, number>();
      for (const pid of pids) by.set(nameOf(pid), (by.get(nameOf(pid)) ?? 0) + cpuSeconds(pid));
      return by;
    };
    // What the processes burn while no call runs (fetch polling, timers): a cost of wall time, not of calls.
    const idleSeconds = 10;
    const idleBefore = cpuByName();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idleAfter = cpuByName();
    const idleCpu = [...idleAfter]
      .map(
        ([name, s]) => `${name} ${(((s - (idleBefore.get(name) ?? 0)) / idleSeconds) * 1000).toFixed(0)} ms`,
      )
      .join(', ');
    const cpuBefore = cpuByName();
    const started = Date.now();
    // Not waited for: a request is placed by one orchestrator at a time per partition, so later requests are
    // answered only as slots free up; the dataset says when every call is done.
    await requestCalls({
      calls: CALLS / REQUESTS,
      seed: run,
      strategy: 'matched',
      maxTurns: 24,
      mode: 'simulated',
      industries: [],
      requests: REQUESTS,
      requestId: run,
      brokers: brokers.split(','),
      registryUrl,
      waitMs: 0,
    });
    // The raw round trips again, while the calls run: the same broker under the same load.
    const underLoad = roundTrips(bus, `${run}-rt-load`, ROUNDTRIPS, { ephemeral: true });

    const file = join(dir, 'calls.jsonl');
    const written = async () =>
      existsSync(file)
        ? (await readFile(file, 'utf8'))
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { requestId: string; turnCount: number })
            .filter((c) => c.requestId.startsWith(run))
        : [];
    let calls = await written();
    while (calls.length < CALLS && Date.now() - started < RUN_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 500));
      calls = await written();
    }
    const wallSec = (Date.now() - started) / 1000;
    const cpuAfter = cpuByName();
    const used = [...cpuAfter].map(([name, s]) => [name, s - (cpuBefore.get(name) ?? 0)] as const);
    const cpuUsed = used.reduce((sum, [, s]) => sum + s, 0);
    const loaded = await underLoad;
    const turn = turns.percentiles();
    await turns.close();
    const kafkaIdleP99 = percentile(idle, 99);
    const kafkaLoadP99 = percentile(loaded, 99);
    console.log(
      `kafka call loop, ${REPLICAS} replicas of each service, ${CALLS} calls in ${REQUESTS} requests, ${CONCURRENCY} in flight, scripted provider, twilio-sim fast clock`,
    );
    if (calls.length < CALLS) {
      console.log(`stopped after ${RUN_LIMIT_MS / 1000} s with ${calls.length} of ${CALLS} calls written`);
      console.log(printed.join('\n'));
    }
    console.log(
      `calls: ${calls.length} written, ${calls.reduce((n, c) => n + c.turnCount, 0)} turns in ${wallSec.toFixed(1)} s = ${((calls.length / wallSec) * 60).toFixed(1)} calls/min (target ≥ 1,000)`,
    );
    const perCall = cpuUsed / Math.max(1, calls.length);
    console.log(
      `CPU of the ${pids.length} service and sim processes: ${cpuUsed.toFixed(1)} s = ${(perCall * 1000).toFixed(0)} ms a call (broker not counted); at that cost 2 cores give at most ${((120 / perCall) | 0).toLocaleString('en-US')} calls/min`,
    );
    console.log(
      `  of which: ${used
        .sort((a, b) => b[1] - a[1])
        .map(([name, s]) => `${name} ${((s / Math.max(1, calls.length)) * 1000).toFixed(0)} ms`)
        .join(', ')} a call`,
    );
    console.log(`  idle, before the calls (CPU a second of wall time): ${idleCpu}`);
    console.log(`turn heard → reply: p50 ${turn.p50} ms, p99 ${turn.p99} ms (${turn.samples} turns)`);
    console.log(
      `kafka round trip (publish → handler, ${ROUNDTRIPS} sequential): idle p50 ${ms(idle, 50)} ms, p99 ${ms(idle, 99)} ms; during the calls p50 ${ms(loaded, 50)} ms, p99 ${ms(loaded, 99)} ms`,
    );
    const ratio = (raw: number) => (turn.p99 / raw).toFixed(1);
    console.log(
      `turn p99 / kafka p99: ${ratio(kafkaIdleP99)} × the idle round trip, ${ratio(kafkaLoadP99)} × the one during the calls (target ≤ 3)`,
    );
  } finally {
    await up?.stop();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
