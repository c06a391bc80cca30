import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CCOMPAT_PATH, registryAnswers, startApicurio } from './apicurio.js';
import { StackError } from './errors.js';
import { fetchArtifacts } from './fetch.js';
import { findJava } from './java.js';
import { kafkaAnswers, startKafka } from './kafka.js';
import { freePort, isOurs, portInUse, stopPid } from './processes.js';
import { type ProvisionResult, provision } from './provision.js';
import { APICURIO_MIN_JAVA, APICURIO_VERSION, KAFKA_MIN_JAVA, KAFKA_VERSION } from './versions.js';

export const DEFAULT_STACK_DIR = resolve(fileURLToPath(new URL('../../../.stack/', import.meta.url)));

export interface StackPorts {
  kafka: number;
  controller: number;
  registry: number;
  registryManagement: number;
}

export const DEFAULT_PORTS: StackPorts = {
  kafka: 9092,
  controller: 9093,
  registry: 8080,
  registryManagement: 9000,
};

export interface StackState {
  dir: string;
  brokers: string;
  registryUrl: string;
  kafkaPid: number;
  registryPid: number;
  ports: StackPorts;
  versions: { kafka: string; apicurio: string };
  startedAt: string;
}

export interface StackOptions {
  /** Where the broker's data, logs and the state file go; removed by stopLocalStack. */
  dir?: string;
  ports?: Partial<StackPorts>;
  /** Java homes to try before JAVA_HOME/PATH/usr/lib/jvm. */
  javaHome?: string;
  registryJavaHome?: string;
  log?: (line: string) => void;
}

export interface StackUp extends StackState {
  alreadyRunning: boolean;
  fetched: boolean;
  provisioned: ProvisionResult;
  timings: { fetchMs: number; kafkaMs: number; registryMs: number; provisionMs: number; totalMs: number };
}

const stateFile = (dir: string) => join(dir, 'state.json');

export function readState(dir = DEFAULT_STACK_DIR): StackState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StackState;
}

/**
 * Starts (or finds running) a single-node Kafka broker and Apicurio Registry on loopback, then creates the topics and
 * registers the schemas. Running it again while the stack is up only re-provisions.
 */
export async function startLocalStack(options: StackOptions = {}): Promise<StackUp> {
  const t0 = Date.now();
  const dir = resolve(options.dir ?? DEFAULT_STACK_DIR);
  const log = options.log ?? (() => undefined);
  const previous = readState(dir);
  if (previous && isOurs(previous.kafkaPid, dir) && isOurs(previous.registryPid, dir)) {
    const healthy =
      (await kafkaAnswers(previous.brokers).catch(() => false)) &&
      (await registryAnswers(previous.registryUrl).catch(() => false));
    if (healthy) {
      log(`stack already running (kafka pid ${previous.kafkaPid}, registry pid ${previous.registryPid})`);
      const p0 = Date.now();
      const provisioned = await provision({ brokers: previous.brokers, registryUrl: previous.registryUrl });
      const provisionMs = Date.now() - p0;
      return {
        ...previous,
        alreadyRunning: true,
        fetched: false,
        provisioned,
        timings: { fetchMs: 0, kafkaMs: 0, registryMs: 0, provisionMs, totalMs: Date.now() - t0 },
      };
    }
  }
  if (previous) await stopLocalStack({ dir, log });

  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const [name, port] of Object.entries(ports)) {
    if (await portInUse(port)) {
      throw new StackError(
        'SYNTH_STACK_PORT_BUSY',
        `port ${port} (${name}) on 127.0.0.1 is already in use by another process; stop it, or point the tests at a running broker with KAFKA_BROKERS and SCHEMA_REGISTRY_URL.`,
      );
    }
  }

  const kafkaJava = findJava(KAFKA_MIN_JAVA, [options.javaHome]);
  const registryJava = findJava(APICURIO_MIN_JAVA, [options.registryJavaHome, options.javaHome]);

  log(
    `fetching Kafka ${KAFKA_VERSION} and Apicurio Registry ${APICURIO_VERSION} from Maven (cached after the first run)…`,
  );
  const f0 = Date.now();
  const artifacts = await fetchArtifacts();
  const fetchMs = Date.now() - f0;

  mkdirSync(dir, { recursive: true });
  const brokers = `127.0.0.1:${ports.kafka}`;
  const registryUrl = `http://127.0.0.1:${ports.registry}${CCOMPAT_PATH}`;
  const state: StackState = {
    dir,
    brokers,
    registryUrl,
    kafkaPid: 0,
    registryPid: 0,
    ports,
    versions: { kafka: KAFKA_VERSION, apicurio: APICURIO_VERSION },
    startedAt: new Date().toISOString(),
  };
  const save = () => writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);

  try {
    log(
      `starting Kafka ${KAFKA_VERSION} (java ${kafkaJava.major}) on ${brokers} and Apicurio (java ${registryJava.major}) on ${registryUrl}…`,
    );
    // Both JVMs start in parallel: start-up is CPU-bound on two cores, but the waits overlap.
    const k0 = Date.now();
    const kafkaStarting = startKafka({
      javaBin: kafkaJava.bin,
      libsDir: artifacts.kafkaLibs,
      dir: join(dir, 'kafka'),
      port: ports.kafka,
      controllerPort: ports.controller,
    }).then((s) => {
      state.kafkaPid = s.pid;
      save();
      return Date.now() - k0;
    });
    const registryStarting = startApicurio({
      javaBin: registryJava.bin,
      distDir: artifacts.apicurioDir,
      dir: join(dir, 'registry'),
      port: ports.registry,
      managementPort: ports.registryManagement,
    }).then((s) => {
      state.registryPid = s.pid;
      save();
      return Date.now() - k0;
    });
    const [kafkaMs, registryMs] = await Promise.all([kafkaStarting, registryStarting]);
    const p0 = Date.now();
    const provisioned = await provision({ brokers, registryUrl });
    const provisionMs = Date.now() - p0;
    return {
      ...state,
      alreadyRunning: false,
      fetched: artifacts.fetched,
      provisioned,
      timings: { fetchMs, kafkaMs, registryMs, provisionMs, totalMs: Date.now() - t0 },
    };
  } catch (cause) {
    await stopLocalStack({ dir, log }).catch(() => undefined);
    throw new StackError(
      'SYNTH_STACK_START_FAILED',
      `the local stack did not start: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

/**
 * Stops exactly the processes this stack started (by the pids in its state file, checked to still be ours) and
 * removes its directory. Harmless when nothing runs.
 */
export async function stopLocalStack(
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<void> {
  const dir = resolve(options.dir ?? DEFAULT_STACK_DIR);
  const log = options.log ?? (() => undefined);
  const state = readState(dir);
  if (state) {
    for (const [name, pid] of [
      ['registry', state.registryPid],
      ['kafka', state.kafkaPid],
    ] as const) {
      if (pid > 0 && isOurs(pid, dir)) {
        const how = await stopPid(pid);
        log(`${name} (pid ${pid}) ${how}`);
      }
    }
  } else {
    log('no stack state found; nothing to stop');
  }
  if (existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true });
    log(`removed ${dir}`);
  }
}

/**
 * Stops only the broker of a running stack (SIGTERM: Kafka's controlled shutdown, SIGKILL after 15 s); its data
 * directory, its ports and the registry stay, so `startStackBroker` brings the same broker back. For tests that
 * take the broker away from running clients.
 */
export async function stopStackBroker(
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<void> {
  const dir = resolve(options.dir ?? DEFAULT_STACK_DIR);
  const state = readState(dir);
  if (!state) throw new StackError('SYNTH_STACK_NOT_FOUND', `no stack state in ${dir}: nothing to stop`);
  if (state.kafkaPid > 0 && isOurs(state.kafkaPid, dir)) {
    const how = await stopPid(state.kafkaPid);
    options.log?.(`kafka (pid ${state.kafkaPid}) ${how}`);
  }
  writeFileSync(stateFile(dir), `${JSON.stringify({ ...state, kafkaPid: 0 }, null, 2)}\n`);
}

/**
 * Starts the broker of a stack again after `stopStackBroker`: same ports, same data (topics, offsets and committed
 * groups survive). Resolves once the broker answers a metadata request; returns its new pid.
 */
export async function startStackBroker(
  options: { dir?: string; javaHome?: string; log?: (line: string) => void } = {},
): Promise<number> {
  const dir = resolve(options.dir ?? DEFAULT_STACK_DIR);
  const state = readState(dir);
  if (!state) throw new StackError('SYNTH_STACK_NOT_FOUND', `no stack state in ${dir}: nothing to start`);
  if (state.kafkaPid > 0 && isOurs(state.kafkaPid, dir)) return state.kafkaPid;
  const java = findJava(KAFKA_MIN_JAVA, [options.javaHome]);
  const artifacts = await fetchArtifacts();
  const started = await startKafka({
    javaBin: java.bin,
    libsDir: artifacts.kafkaLibs,
    dir: join(dir, 'kafka'),
    port: state.ports.kafka,
    controllerPort: state.ports.controller,
  });
  writeFileSync(stateFile(dir), `${JSON.stringify({ ...state, kafkaPid: started.pid }, null, 2)}\n`);
  options.log?.(`kafka (pid ${started.pid}) started again on ${state.brokers}`);
  return started.pid;
}

/** Four free loopback ports for a stack that must not meet another one (tests, benchmarks). */
export async function freeStackPorts(): Promise<StackPorts> {
  return {
    kafka: await freePort(),
    controller: await freePort(),
    registry: await freePort(),
    registryManagement: await freePort(),
  };
}

export interface ThrowawayStack extends StackUp {
  /** Stops its processes and removes its directory. */
  stop(): Promise<void>;
  /** Takes only the broker away (`stopStackBroker`); the same broker comes back with `startBroker`. */
  stopBroker(): Promise<void>;
  /** Starts the stopped broker again on the same ports and data; resolves with its pid once it answers. */
  startBroker(): Promise<number>;
}

/**
 * A throwaway stack for tests and benchmarks: its own temporary directory and free ports, so it never touches the
 * stack of `npm run stack:up`. `stop()` stops its processes and removes the directory.
 */
export async function startThrowawayStack(
  options: Omit<StackOptions, 'dir' | 'ports'> & { prefix?: string } = {},
): Promise<ThrowawayStack> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix ?? 'synthcall-stack-'));
  const up = await startLocalStack({ ...options, dir, ports: await freeStackPorts() });
  const log = options.log ? { log: options.log } : {};
  return {
    ...up,
    stop: () => stopLocalStack({ dir, ...log }),
    stopBroker: () => stopStackBroker({ dir, ...log }),
    startBroker: () =>
      startStackBroker({ dir, ...(options.javaHome ? { javaHome: options.javaHome } : {}), ...log }),
  };
}

/**
 * The Kafka a benchmark runs against: KAFKA_BROKERS + SCHEMA_REGISTRY_URL when both are set, else a throwaway stack
 * (stopped by `stop`). The call-loop and event-bus benchmarks share it.
 */
export async function benchmarkKafka(
  env: Record<string, string | undefined>,
): Promise<{ brokers: string; registryUrl: string; stop(): Promise<void> }> {
  const { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registryUrl } = env;
  if (brokers && registryUrl) return { brokers, registryUrl, stop: async () => {} };
  console.error('[bench] starting the local stack…');
  const stack = await startThrowawayStack({
    prefix: 'synthcall-bench-stack-',
    registryJavaHome: env.SYNTHCALL_REGISTRY_JAVA_HOME,
  });
  return { brokers: stack.brokers, registryUrl: stack.registryUrl, stop: () => stack.stop() };
}
