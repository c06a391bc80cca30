import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureWritable } from '@synthcall/analytics-sink/dataset';
import {
  LINE_TIMING_VARIABLES,
  loadConversationEngineConfig,
  worstCaseLineMs,
} from '@synthcall/conversation-engine';
import { TOPICS } from '@synthcall/schemas';
import {
  freePort,
  StackError,
  type StackUp,
  startLocalStack,
  stopLocalStack,
  topicPartitions,
} from '@synthcall/stack';
import { checkReplyWait, loadTwimlGatewayConfig, replyTimeoutFor } from '@synthcall/twiml-gateway';
import { connectSimToGateway } from './sim-gateway.js';

// Credentials of the offline Twilio that `up` starts; a local process, nothing here reaches Twilio.
export const UP_SIM_ACCOUNT_SID = 'AC0fe1ce0fe1ce0fe1ce0fe1ce0fe1ce0f';
export const UP_SIM_AUTH_TOKEN = 'synthcall-up-sim-token';
const FROM = '+15005550006';
const DEFAULT_BROKERS = '127.0.0.1:9092';
const DEFAULT_REGISTRY = 'http://127.0.0.1:8080/apis/ccompat/v7';

export const SERVICES = ['orchestrator', 'twiml-gateway', 'conversation-engine', 'analytics-sink'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Where the repository's sources are: `up` runs the services from them (cli/src/up.ts → repo root). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface UpOptions {
  /** An existing broker and registry; both or neither. Without them the local stack is started (or reused). */
  brokers?: string[];
  registryUrl?: string;
  datasetDir: string;
  clock: 'fast' | 'realtime';
  /** LOG_LEVEL of the services. */
  logLevel: string;
  /** Also stop the local stack on stop(), when this run started it. */
  stopStack: boolean;
  maxConcurrentCalls: number;
  /**
   * Processes of each service (default 1), all on the same topics: shared consumer groups split the partitions
   * between them (a call's topics go to one replica: the co-partition assigner), every gateway replica reads every
   * reply and they share the webhook port (HTTP_REUSE_PORT), the sinks share the dataset folder. At most the
   * partitions of the topics they read; `maxConcurrentCalls` is per orchestrator replica.
   */
  replicas?: number;
  /** Longest wait for every service's /readyz. */
  readyTimeoutMs: number;
  /** Longest wait for a child to exit after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** The environment the children start from (PATH, LLM_PROVIDER, …); `up` sets the variables it owns on top. */
  baseEnv: NodeJS.ProcessEnv;
  /** Every line `up` and its children print (children's prefixed with their name). */
  print: (line: string) => void;
  stackDir?: string;
  /** Aborting it during start-up (Ctrl-C before ready) stops what was started and rejects with SYNTH_UP_ABORTED. */
  signal?: AbortSignal;
}

export interface UpAddresses {
  kafka: string;
  registry: string;
  stack: 'started' | 'already running' | 'external';
  simUrl: string;
  gatewayUrl: string;
  appSid: string;
  /** Voice Intelligence service in the sim whose webhook is the gateway; its results land in the dataset. */
  intelligenceServiceSid?: string;
  datasetDir: string;
  /** Each service's ops addresses, one per replica. */
  ops: Record<ServiceName, string[]>;
}

export interface Up {
  addresses: UpAddresses;
  /** Pids of the running children (twilio-sim and the four services); a restarted service has its new pid here. */
  readonly pids: number[];
  /** Resolves when a child exits on its own (a crash, not a `crashAndRestart`): its name and exit status. */
  childExited: Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Crashes one service on purpose: SIGKILL (no shutdown step runs), then, after `downMs` (0 by default), starts it
   * again with the same arguments, environment and ports; resolves once its /readyz answers, with both pids.
   * `replica` (1-based, default 1) picks one of several.
   */
  crashAndRestart(
    name: ServiceName,
    options?: { downMs?: number; replica?: number },
  ): Promise<{ killed: number; started: number }>;
  /** Stops the children (services first, the sim last), and the stack when asked and started here. */
  stop(): Promise<void>;
}

export class UpError extends Error {
  override readonly name = 'UpError';
  constructor(
    readonly code: 'SYNTH_UP_CHILD_FAILED' | 'SYNTH_UP_NOT_READY' | 'SYNTH_UP_OPTIONS' | 'SYNTH_UP_ABORTED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** The last lines it printed, for the error when it dies during start-up. */
  tail: string[];
}

/** Prefixes a child's line with its name, padded so the columns line up. */
export function prefixLine(name: string, line: string): string {
  return `${name.padEnd(19)} | ${line}`;
}

/**
 * The gateway's reply wait for a run of these services: the engine's worst-case line (from its own settings) and a
 * margin. A REPLY_TIMEOUT_MS set in the environment is kept if it covers that line; a shorter one stops start-up with
 * an error naming REPLY_TIMEOUT_MS and the engine settings, as does a wrong engine setting.
 */
export function gatewayReplyTimeout(
  env: NodeJS.ProcessEnv,
  envs: Record<ServiceName, Record<string, string>>,
): number {
  const lineMs = worstCaseLineMs(loadConversationEngineConfig({ ...env, ...envs['conversation-engine'] }));
  if (!env.REPLY_TIMEOUT_MS?.trim()) return replyTimeoutFor(lineMs);
  const gateway = loadTwimlGatewayConfig({ ...env, ...envs['twiml-gateway'] });
  checkReplyWait(gateway, { lineMs, variables: LINE_TIMING_VARIABLES });
  return gateway.REPLY_TIMEOUT_MS;
}

/** The environment of each service: the bus, its ports, and how it reaches the others. */
export function serviceEnvs(a: {
  brokers: string;
  registryUrl: string;
  simUrl: string;
  gatewayPort: number;
  appSid: string;
  /** Voice Intelligence service in the sim whose webhook is the gateway; its results land in the dataset. */
  intelligenceServiceSid?: string;
  datasetDir: string;
  opsPorts: Record<ServiceName, number>;
  logLevel: string;
  maxConcurrentCalls: number;
}): Record<ServiceName, Record<string, string>> {
  const gatewayUrl = `http://127.0.0.1:${a.gatewayPort}`;
  const common = (name: ServiceName) => ({
    SYNTHCALL_BUS: 'kafka',
    KAFKA_BROKERS: a.brokers,
    SCHEMA_REGISTRY_URL: a.registryUrl,
    OPS_HOST: '127.0.0.1',
    OPS_PORT: String(a.opsPorts[name]),
    LOG_LEVEL: a.logLevel,
    // kafkajs warns about its v2 partitioner on every producer; the services do not rely on the legacy one.
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  return {
    orchestrator: {
      ...common('orchestrator'),
      TWILIO_ACCOUNT_SID: UP_SIM_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: UP_SIM_AUTH_TOKEN,
      TWILIO_API_BASE_URL: a.simUrl,
      TWILIO_FROM: FROM,
      TWILIO_AGENT_TO: `app:${a.appSid}`,
      TWILIO_CUSTOMER_TO: `app:${a.appSid}`,
      GATEWAY_PUBLIC_URL: gatewayUrl,
      MAX_CONCURRENT_CALLS: String(a.maxConcurrentCalls),
    },
    'twiml-gateway': {
      ...common('twiml-gateway'),
      PORT: String(a.gatewayPort),
      HTTP_HOST: '127.0.0.1',
      GATEWAY_PUBLIC_URL: gatewayUrl,
      TWILIO_AUTH_TOKEN: UP_SIM_AUTH_TOKEN,
      ...(a.intelligenceServiceSid
        ? {
            TWILIO_ACCOUNT_SID: UP_SIM_ACCOUNT_SID,
            TWILIO_API_BASE_URL: a.simUrl,
            VOICE_INTELLIGENCE_SERVICE_SID: a.intelligenceServiceSid,
          }
        : {}),
    },
    'conversation-engine': { ...common('conversation-engine') },
    'analytics-sink': { ...common('analytics-sink'), DATASET_DIR: a.datasetDir },
  };
}

/** A replica's name in `up`'s output and for crashAndRestart: the service's own when it runs alone. */
export function replicaName(name: ServiceName, replica: number, replicas: number): string {
  return replicas === 1 ? name : `${name}-${replica}`;
}

/**
 * The environment of each replica of each service: the service's, with the replica's own ops port; gateway replicas
 * share the webhook port (HTTP_REUSE_PORT), so the sim's one webhook URL reaches all of them.
 */
export function replicaEnvs(
  envs: Record<ServiceName, Record<string, string>>,
  opsPorts: Record<ServiceName, number[]>,
): Record<ServiceName, Array<Record<string, string>>> {
  const out = {} as Record<ServiceName, Array<Record<string, string>>>;
  for (const name of SERVICES) {
    const ports = opsPorts[name];
    out[name] = ports.map((port) => ({
      ...envs[name],
      OPS_PORT: String(port),
      ...(name === 'twiml-gateway' && ports.length > 1 ? { HTTP_REUSE_PORT: 'true' } : {}),
    }));
  }
  return out;
}

/** The topics the services read in groups shared by their replicas: each needs a partition per replica. */
const SHARED_GROUP_TOPICS = [
  TOPICS.callRequests,
  TOPICS.calls,
  TOPICS.utterances,
  TOPICS.callEvents,
  TOPICS.recordings,
  TOPICS.transcripts,
  TOPICS.groundTruth,
];

/**
 * Refuses more replicas than partitions: a replica without a partition of a topic it reads gets none of that work
 * (and a service reading several topics would get a call's events split unevenly). Asks the broker, so topics made
 * elsewhere with other partition counts are checked too; a missing topic is the services' own start-up error.
 */
export async function checkReplicaPartitions(brokers: string, replicas: number): Promise<void> {
  if (replicas === 1) return;
  const partitions = await topicPartitions(
    brokers,
    SHARED_GROUP_TOPICS.map((t) => t.name),
  );
  const short = [...partitions].filter(([, count]) => count < replicas);
  if (short.length === 0) return;
  const fewest = Math.min(...short.map(([, count]) => count));
  throw new UpError(
    'SYNTH_UP_OPTIONS',
    `--replicas ${replicas}: ${short.map(([name, count]) => `${name} has ${count} partitions`).join(', ')}; ` +
      `a replica without a partition gets no work. Give --replicas ${fewest} or fewer, or add partitions.`,
  );
}

export function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Child {
  // Its own process group: a terminal's Ctrl-C reaches only `up`, which then stops the children in order. The IPC
  // channel is the child's lifeline: if `up` dies without stopping it (SIGKILL, its process group killed by a CI
  // runner), the channel closes and the child shuts itself down instead of running on as an orphan.
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const tail: string[] = [];
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    proc.on('exit', (code, signal) => {
      running = false;
      done({ code, signal });
    });
    proc.on('error', (err) => {
      running = false;
      tail.push(err.message);
      done({ code: null, signal: null });
    });
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      print(prefixLine(name, line));
    });
  }
  return { name, proc, exited, tail, isRunning: () => running };
}

export type ChildExit = { name: string; code: number | null; signal: NodeJS.Signals | null };

/** The children of one `up`: which run, the first exit nobody asked for, and crashing one on purpose. */
export class Children {
  private readonly all: Child[] = [];
  private readonly crashedOnPurpose = new WeakSet<Child>();
  private report: (exit: ChildExit) => void = () => undefined;
  /** Resolves with the first child that exits on its own (not one `crash` killed). */
  readonly exited = new Promise<ChildExit>((done) => {
    this.report = done;
  });

  add(child: Child): void {
    this.all.push(child);
    void child.exited.then((status) => {
      if (!this.crashedOnPurpose.has(child)) this.report({ name: child.name, ...status });
    });
  }

  running(): Child[] {
    return this.all.filter((c) => c.isRunning());
  }

  pids(): number[] {
    return this.running()
      .map((c) => c.proc.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  /** SIGKILL the running child of that name (no shutdown step runs) and forget it; resolves with its pid once gone. */
  async crash(name: string): Promise<number> {
    const child = this.all.find((c) => c.name === name && c.isRunning());
    const pid = child?.proc.pid;
    if (!child || pid === undefined) throw new UpError('SYNTH_UP_OPTIONS', `${name} is not running`);
    this.crashedOnPurpose.add(child);
    child.proc.kill('SIGKILL');
    await child.exited;
    this.all.splice(this.all.indexOf(child), 1);
    return pid;
  }
}

/** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process is gone. */
export async function stopChild(child: Pick<Child, 'proc' | 'exited' | 'isRunning'>, graceMs: number) {
  if (!child.isRunning()) return;
  child.proc.kill('SIGTERM');
  const timer = sleep(graceMs, 'timeout' as const, { ref: false });
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new UpError('SYNTH_UP_ABORTED', 'stopped before everything was ready');
}

async function waitFor(
  child: Child,
  check: () => Promise<boolean>,
  deadline: number,
  hint: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const tail = () => child.tail.slice(-6).join('\n');
  while (Date.now() < deadline) {
    throwIfAborted(signal);
    if (!child.isRunning()) {
      throw new UpError(
        'SYNTH_UP_CHILD_FAILED',
        `${child.name} exited during start-up. ${hint}\nIts last lines:\n${tail()}`,
      );
    }
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new UpError(
    'SYNTH_UP_NOT_READY',
    `${child.name} was not ready in time (a slow machine? raise --ready-timeout). ${hint}\nIts last lines:\n${tail()}`,
  );
}

const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

/**
 * Starts the call loop as separate processes against Kafka: twilio-sim, then orchestrator, twiml-gateway,
 * conversation-engine and analytics-sink, each on free loopback ports; resolves once every one is ready.
 */
export async function startUp(o: UpOptions): Promise<Up> {
  if (Boolean(o.brokers?.length) !== Boolean(o.registryUrl)) {
    throw new UpError(
      'SYNTH_UP_OPTIONS',
      'give both --brokers and --registry (or neither, to use the local stack)',
    );
  }
  const replicas = o.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new UpError(
      'SYNTH_UP_OPTIONS',
      `--replicas must be a whole number of at least 1 (got ${replicas})`,
    );
  }
  const datasetDir = await ensureWritable(o.datasetDir);
  let stack: StackUp | undefined;
  let brokers: string;
  let registryUrl: string;
  if (o.brokers?.length && o.registryUrl) {
    brokers = o.brokers.join(',');
    registryUrl = o.registryUrl;
  } else {
    o.print(
      'starting the local stack, or finding it running (Kafka + Apicurio; the first run downloads them)…',
    );
    stack = await startLocalStack({
      ...(o.stackDir ? { dir: o.stackDir } : {}),
      log: (line) => o.print(prefixLine('stack', line)),
    }).catch((err: unknown) => {
      if (err instanceof StackError) {
        // Same code, plus the way around the local stack.
        throw new StackError(
          err.code,
          `${err.message} (or run against another Kafka: synthcall up --brokers <host:port> --registry <url>)`,
          { cause: err },
        );
      }
      throw err;
    });
    brokers = stack.brokers;
    registryUrl = stack.registryUrl;
  }

  // The stack this `up` started goes with it when asked (--stop-stack), also when `up` gives up before any child.
  const stopStackIfAsked = async () => {
    if (!stack || stack.alreadyRunning || !o.stopStack) return;
    o.print('stopping the local stack (--stop-stack)…');
    await stopLocalStack({
      ...(o.stackDir ? { dir: o.stackDir } : {}),
      log: (line) => o.print(prefixLine('stack', line)),
    });
  };
  try {
    await checkReplicaPartitions(brokers, replicas);
    throwIfAborted(o.signal);
  } catch (err) {
    await stopStackIfAsked();
    throw err;
  }
  const children = new Children();
  const track = (child: Child) => children.add(child);
  // The children run in their own process groups, so they would outlive an `up` that dies without stop().
  const killOnExit = () => {
    for (const c of children.running()) c.proc.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    // Services first (the orchestrator stops placing calls, the sink flushes), the sim they talk to last.
    const running = children.running();
    const services = running.filter((c) => c.name !== 'twilio-sim');
    await Promise.all(services.map((c) => stopChild(c, o.stopGraceMs)));
    await Promise.all(running.filter((c) => c.name === 'twilio-sim').map((c) => stopChild(c, o.stopGraceMs)));
    await stopStackIfAsked();
  };

  try {
    const deadline = Date.now() + o.readyTimeoutMs;
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const sim = startChild(
      'twilio-sim',
      [
        resolve(REPO_ROOT, 'tools/twilio-sim/bin/twilio-sim.js'),
        '--account-sid',
        UP_SIM_ACCOUNT_SID,
        '--auth-token',
        UP_SIM_AUTH_TOKEN,
        '--port',
        String(simPort),
        '--clock',
        o.clock,
      ],
      o.baseEnv,
      o.print,
    );
    track(sim);
    let simListening = false;
    sim.proc.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) simListening = true;
    });
    await waitFor(
      sim,
      async () => simListening,
      deadline,
      'Is tools/twilio-sim built or its sources present?',
      o.signal,
    );

    // The gateway's port is chosen before it starts: the TwiML app's voice URL (signed by the sim) must carry it.
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const wiring = await connectSimToGateway({
      simUrl,
      accountSid: UP_SIM_ACCOUNT_SID,
      authToken: UP_SIM_AUTH_TOKEN,
      gatewayUrl,
      name: 'synthcall-up',
    });

    const opsPorts = {} as Record<ServiceName, number[]>;
    for (const name of SERVICES) {
      opsPorts[name] = [];
      for (let i = 0; i < replicas; i++) opsPorts[name].push(await freePort());
    }
    const envs = serviceEnvs({
      brokers,
      registryUrl,
      simUrl,
      gatewayPort,
      appSid: wiring.appSid,
      intelligenceServiceSid: wiring.intelligenceServiceSid,
      datasetDir,
      opsPorts: Object.fromEntries(SERVICES.map((n) => [n, opsPorts[n][0] as number])) as Record<
        ServiceName,
        number
      >,
      logLevel: o.logLevel,
      maxConcurrentCalls: o.maxConcurrentCalls,
    });
    envs['twiml-gateway'].REPLY_TIMEOUT_MS = String(gatewayReplyTimeout(o.baseEnv, envs));
    const perReplica = replicaEnvs(envs, opsPorts);
    const launch = (name: ServiceName, replica: number) => {
      const child = startChild(
        replicaName(name, replica, replicas),
        ['--conditions=@synthcall/source', '--import', 'tsx', `services/${name}/src/main.ts`],
        { ...o.baseEnv, ...perReplica[name][replica - 1] },
        o.print,
      );
      track(child);
      return { child, opsPort: opsPorts[name][replica - 1] as number };
    };
    const ready = (
      { child, opsPort }: { child: Child; opsPort: number },
      until: number,
      signal: AbortSignal | undefined,
    ) =>
      waitFor(
        child,
        answers(`http://127.0.0.1:${opsPort}/readyz`),
        until,
        `Check that Kafka at ${brokers} and the schema registry at ${registryUrl} answer (npm run stack:up starts both).`,
        signal,
      );
    const services = SERVICES.flatMap((name) =>
      Array.from({ length: replicas }, (_, i) => launch(name, i + 1)),
    );
    await Promise.all(services.map((started) => ready(started, deadline, o.signal)));

    const ops = Object.fromEntries(
      SERVICES.map((n) => [n, opsPorts[n].map((port) => `http://127.0.0.1:${port}`)]),
    ) as Record<ServiceName, string[]>;
    return {
      addresses: {
        kafka: brokers,
        registry: registryUrl,
        stack: stack ? (stack.alreadyRunning ? 'already running' : 'started') : 'external',
        simUrl,
        gatewayUrl,
        appSid: wiring.appSid,
        datasetDir,
        ops,
      },
      get pids() {
        return children.pids();
      },
      childExited: children.exited,
      async crashAndRestart(name, options = {}) {
        const replica = options.replica ?? 1;
        const killed = await children.crash(replicaName(name, replica, replicas));
        if (options.downMs) await sleep(options.downMs);
        const started = launch(name, replica);
        await ready(started, Date.now() + o.readyTimeoutMs, undefined);
        return { killed, started: started.child.proc.pid ?? 0 };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The lines `synthcall up` prints once everything is ready. */
export function readyLines(a: UpAddresses): string[] {
  // `request` defaults to the local stack's standard ports; other addresses must be passed on.
  const registryArg =
    a.kafka === DEFAULT_BROKERS && a.registry === DEFAULT_REGISTRY
      ? ''
      : ` --brokers ${a.kafka} --registry ${a.registry}`;
  return [
    '',
    `kafka                   ${a.kafka} (${a.stack === 'external' ? 'given' : `local stack, ${a.stack}`})`,
    `schema registry         ${a.registry}`,
    `twilio-sim              ${a.simUrl} (TwiML app ${a.appSid})`,
    `gateway                 ${a.gatewayUrl} (Twilio webhooks: ${a.gatewayUrl}/twilio/voice)`,
    ...SERVICES.map((n) => `${`${n} ops`.padEnd(23)} ${a.ops[n].join(' ')} (/healthz /readyz /metrics)`),
    `dataset                 ${a.datasetDir}`,
    '',
    `ready: in another terminal run  npx synthcall request --calls 5${registryArg}`,
    'Ctrl-C stops the services and the sim.',
  ];
}

export const UP_STACK_NOTE =
  'On Ctrl-C the children stop (SIGTERM, SIGKILL after 15 s); the local stack keeps running for the next run ' +
  'unless --stop-stack is given and this run started it. `npm run stack:down` stops it.';
