import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { type Started, startDetached, waitFor } from './processes.js';

const run = promisify(execFile);
const LOG4J_CONFIG = fileURLToPath(new URL('../config/log4j2.properties', import.meta.url));

export interface KafkaOptions {
  javaBin: string;
  libsDir: string;
  /** Everything of this broker lives here: config, KRaft data, logs. */
  dir: string;
  port: number;
  controllerPort: number;
  heap?: string;
}

/** A single-node KRaft broker (combined broker+controller) on loopback, as in Kafka's shipped server.properties. */
export function serverProperties(o: { port: number; controllerPort: number; dataDir: string }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${o.dataDir}`,
    'num.partitions=1',
    // Application topics come from the manifest; a typo must fail instead of silently creating a topic.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    // Test speed-ups: one offsets partition and no initial rebalance delay (defaults: 50 and 3 s).
    'offsets.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    '',
  ].join('\n');
}

export async function startKafka(o: KafkaOptions): Promise<Started> {
  const dataDir = join(o.dir, 'data');
  const logsDir = join(o.dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const props = join(o.dir, 'server.properties');
  writeFileSync(props, serverProperties({ port: o.port, controllerPort: o.controllerPort, dataDir }));
  copyFileSync(LOG4J_CONFIG, join(o.dir, 'log4j2.properties'));
  const cp = `${o.libsDir}/*`;
  const log4j = `-Dlog4j2.configurationFile=${join(o.dir, 'log4j2.properties')}`;

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const { stdout } = await run(o.javaBin, [log4j, '-cp', cp, 'kafka.tools.StorageTool', 'random-uuid']);
    const clusterId = stdout.trim().split('\n').pop() as string;
    await run(o.javaBin, [
      log4j,
      '-cp',
      cp,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '-t',
      clusterId,
      '-c',
      props,
      '--ignore-formatted',
    ]);
  }

  const heap = o.heap ?? '512m';
  const started = startDetached(
    o.javaBin,
    [
      `-Xms${heap === '512m' ? '256m' : heap}`,
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      // Marks the process as this stack's, so stop/restart never touches a process that merely reused the pid.
      `-Dsynthcall.stack=${o.dir}`,
      `-Dkafka.logs.dir=${logsDir}`,
      log4j,
      '-cp',
      cp,
      'kafka.Kafka',
      props,
    ],
    { cwd: o.dir, logFile: join(logsDir, 'stdout.log') },
  );
  await waitFor('Kafka broker', () => kafkaAnswers(`127.0.0.1:${o.port}`), {
    timeoutMs: 90_000,
    pid: started.pid,
    logFile: join(logsDir, 'server.log'),
  });
  return started;
}

/** Ready = the broker answers a metadata request through a real client, not just an open port. */
export async function kafkaAnswers(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'synthcall-stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
