// Benchmark of the whole call loop: calls/min embedded (in-memory bus) and over Kafka (a client per service), and
// the heard → reply turn latency. Kafka comes from KAFKA_BROKERS + SCHEMA_REGISTRY_URL, else the local stack is
// started on free ports and stopped afterwards. Prints figures; asserts nothing.
//   npm run bench -w @synthcall/cli            (CALLS=100 CONCURRENCY=10 to change the sizes)
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkKafka } from '@synthcall/stack';
import { type GenerateOptions, generate } from '../src/embedded.js';

const env = process.env;
const CALLS = Number(env.CALLS ?? 100);
const CONCURRENCY = Number(env.CONCURRENCY ?? 10);

async function run(label: string, transport: GenerateOptions['transport']): Promise<void> {
  const s = await generate({
    calls: CALLS,
    seed: `bench-${label}`,
    strategy: 'matched',
    concurrency: CONCURRENCY,
    out: await mkdtemp(join(tmpdir(), `synthcall-bench-${label}-`)),
    maxTurns: 24,
    asrWer: 0.05,
    timeoutMs: 900_000,
    logLevel: 'silent',
    version: 'bench',
    transport,
  });
  console.log(
    `${label}: ${s.finished}/${s.requested} calls, ${s.turns} turns in ${s.wallSec.toFixed(1)} s = ${s.callsPerMin.toFixed(1)} calls/min; ` +
      `heard→reply p50 ${s.turnLatencyMs.p50} ms, p99 ${s.turnLatencyMs.p99} ms (${s.turnLatencyMs.samples} turns); fallback turns ${s.fallbackTurns}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `call loop, ${CALLS} calls, concurrency ${CONCURRENCY}, scripted provider, twilio-sim fast clock`,
  );
  await run('embedded', { kind: 'memory' });
  const { brokers, registryUrl, stop } = await benchmarkKafka(env);
  try {
    await run('kafka', {
      kind: 'kafka',
      brokers: brokers.split(','),
      registryUrl,
      topicSuffix: `bench-${Date.now()}`,
    });
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
