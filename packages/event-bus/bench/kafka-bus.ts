// Benchmark of the Kafka adapter on a real broker and registry: produce→consume round-trip latency and throughput.
// Uses KAFKA_BROKERS + SCHEMA_REGISTRY_URL when set, otherwise starts the local stack (tools/stack) on free ports
// and stops it afterwards. Prints figures; asserts nothing (targets are tracked in docs/benchmarks.md).
//   npm run bench -w @synthcall/event-bus        (ROUNDTRIPS=500 MESSAGES=5000 to change the sizes)
import { bindTopic, exampleEvents } from '@synthcall/schemas';
import { benchmarkKafka } from '@synthcall/stack';
import { Kafka, logLevel } from 'kafkajs';
import { busFromConfig } from '../src/from-config.js';
import type { EventBus } from '../src/port.js';
import { percentile, roundTrips } from '../src/round-trips.js';

const env = process.env;
const ROUNDTRIPS = Number(env.ROUNDTRIPS ?? 500);
const MESSAGES = Number(env.MESSAGES ?? 5000);
const CONCURRENCY = Number(env.CONCURRENCY ?? 32);

async function throughput(
  bus: EventBus,
  topicName: string,
  n: number,
): Promise<{ produce: number; endToEnd: number }> {
  const topic = bindTopic('UtteranceHeard', topicName);
  let consumed = 0;
  let done: () => void = () => undefined;
  const allConsumed = new Promise<void>((r) => {
    done = r;
  });
  await bus.subscribe({
    topic,
    group: `${topicName}-g`,
    handler: async () => {
      consumed += 1;
      if (consumed === n) done();
    },
  });
  const base = exampleEvents().UtteranceHeard;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        await bus.publish(topic, `call-${i % 64}`, { ...base, turn: i });
      }
    }),
  );
  const produced = performance.now() - t0;
  await allConsumed;
  const total = performance.now() - t0;
  return { produce: n / (produced / 1000), endToEnd: n / (total / 1000) };
}

async function main(): Promise<void> {
  const { brokers, registryUrl, stop } = await benchmarkKafka(env);
  const run = `bench-${Date.now()}`;
  const admin = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.WARN }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [`${run}-rt`, `${run}-tp`, `${run}-dl`].map((topic) => ({
      topic,
      numPartitions: 6,
      replicationFactor: 1,
    })),
  });
  await admin.disconnect();

  const kafkaBus = () =>
    busFromConfig(
      { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: brokers.split(','), SCHEMA_REGISTRY_URL: registryUrl },
      { clientId: run, deadLetterTopic: bindTopic('DeadLetter', `${run}-dl`) },
    );
  try {
    const results: string[] = [];
    {
      const bus = kafkaBus();
      const lat = await roundTrips(bus, `${run}-rt`, ROUNDTRIPS);
      results.push(
        `kafka round trip (publish → handler, ${lat.length} sequential): p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, max ${(lat.at(-1) as number).toFixed(1)} ms`,
      );
      await bus.close();
    }
    {
      const bus = kafkaBus();
      const tp = await throughput(bus, `${run}-tp`, MESSAGES);
      results.push(
        `kafka throughput (${MESSAGES} msgs, ${CONCURRENCY} concurrent publishers, idempotent acks=all): produce ${tp.produce.toFixed(0)} msg/s, end-to-end ${tp.endToEnd.toFixed(0)} msg/s`,
      );
      await bus.close();
    }
    {
      const bus = busFromConfig({ SYNTHCALL_BUS: 'memory' }, { clientId: run });
      const lat = await roundTrips(bus, 'mem-rt', ROUNDTRIPS);
      const tp = await throughput(bus, 'mem-tp', MESSAGES);
      results.push(
        `memory bus (same codecs): round trip p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ${percentile(lat, 99).toFixed(3)} ms; end-to-end ${tp.endToEnd.toFixed(0)} msg/s`,
      );
      await bus.close();
    }
    for (const line of results) console.log(line);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
