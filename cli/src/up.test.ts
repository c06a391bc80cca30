import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadAnalyticsSinkConfig } from '@synthcall/analytics-sink';
import { loadOrchestratorConfig } from '@synthcall/orchestrator';
import { loadTwimlGatewayConfig } from '@synthcall/twiml-gateway';
import { describe, expect, it } from 'vitest';
import {
  type Child,
  Children,
  gatewayReplyTimeout,
  prefixLine,
  readyLines,
  replicaEnvs,
  replicaName,
  SERVICES,
  type ServiceName,
  serviceEnvs,
  startChild,
  startUp,
  stopChild,
  type UpAddresses,
} from './up.js';

const opsPorts: Record<ServiceName, number> = {
  orchestrator: 41001,
  'twiml-gateway': 41002,
  'conversation-engine': 41003,
  'analytics-sink': 41004,
};
const envs = serviceEnvs({
  brokers: '127.0.0.1:19092',
  registryUrl: 'http://127.0.0.1:18080/apis/ccompat/v7',
  simUrl: 'http://127.0.0.1:40000',
  gatewayPort: 40001,
  appSid: `AP${'ab'.repeat(16)}`,
  datasetDir: '/tmp/some-dataset',
  opsPorts,
  logLevel: 'warn',
  maxConcurrentCalls: 4,
});

describe('replicaEnvs', () => {
  const ports: Record<ServiceName, number[]> = {
    orchestrator: [41001, 41011],
    'twiml-gateway': [41002, 41012],
    'conversation-engine': [41003, 41013],
    'analytics-sink': [41004, 41014],
  };

  it("gives each replica the service's environment with an ops port of its own", () => {
    const replicas = replicaEnvs(envs, ports);
    for (const name of SERVICES) {
      expect(replicas[name]).toHaveLength(2);
      expect(replicas[name].map((env) => env.OPS_PORT)).toEqual(ports[name].map(String));
      for (const env of replicas[name]) expect(env).toMatchObject({ ...envs[name], OPS_PORT: env.OPS_PORT });
    }
  });

  it('lets gateway replicas share the webhook port, and only when there are several', () => {
    const two = replicaEnvs(envs, ports)['twiml-gateway'];
    expect(two.map((env) => [env.PORT, env.HTTP_REUSE_PORT])).toEqual([
      ['40001', 'true'],
      ['40001', 'true'],
    ]);
    expect(loadTwimlGatewayConfig(two[0] as Record<string, string>).HTTP_REUSE_PORT).toBe(true);
    const one = replicaEnvs(envs, { ...ports, 'twiml-gateway': [41002] })['twiml-gateway'];
    expect(one[0]?.HTTP_REUSE_PORT).toBeUndefined();
  });

  it('names replicas after their service, with a number only when there are several', () => {
    expect(replicaName('conversation-engine', 1, 1)).toBe('conversation-engine');
    expect([1, 2].map((i) => replicaName('conversation-engine', i, 2))).toEqual([
      'conversation-engine-1',
      'conversation-engine-2',
    ]);
  });
});

describe('serviceEnvs', () => {
  it('puts every service on the given Kafka and registry, each on its own ops port', () => {
    for (const name of SERVICES) {
      expect(envs[name]).toMatchObject({
        SYNTHCALL_BUS: 'kafka',
        KAFKA_BROKERS: '127.0.0.1:19092',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18080/apis/ccompat/v7',
        OPS_HOST: '127.0.0.1',
        OPS_PORT: String(opsPorts[name]),
      });
    }
  });

  it("is accepted by the services' own config loaders", () => {
    const orchestrator = loadOrchestratorConfig(envs.orchestrator);
    const gateway = loadTwimlGatewayConfig(envs['twiml-gateway']);
    const sink = loadAnalyticsSinkConfig(envs['analytics-sink']);
    // Both legs dial the TwiML app; the callbacks go to the port the gateway listens on, over the sim.
    expect(orchestrator.TWILIO_AGENT_TO).toBe(`app:AP${'ab'.repeat(16)}`);
    expect(orchestrator.TWILIO_CUSTOMER_TO).toBe(orchestrator.TWILIO_AGENT_TO);
    expect(orchestrator.TWILIO_API_BASE_URL).toBe('http://127.0.0.1:40000');
    expect(new URL(orchestrator.GATEWAY_PUBLIC_URL).port).toBe(String(gateway.PORT));
    expect(gateway.GATEWAY_PUBLIC_URL).toBe(orchestrator.GATEWAY_PUBLIC_URL);
    // The gateway checks signatures with the token the orchestrator's Twilio account signs with.
    expect(gateway.TWILIO_AUTH_TOKEN).toBe(orchestrator.TWILIO_AUTH_TOKEN);
    expect(orchestrator.MAX_CONCURRENT_CALLS).toBe(4);
    expect(sink.DATASET_DIR).toBe('/tmp/some-dataset');
  });
});

describe('gatewayReplyTimeout', () => {
  const openai = {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'k',
    OPENAI_TIMEOUT: '5s',
    OPENAI_MAX_RETRIES: '1',
  };

  it("derives the gateway's reply wait from the engine's worst-case line", () => {
    // Two requests per line, each two 5 s attempts and 10 s between them; 2 s of margin.
    expect(gatewayReplyTimeout(openai, envs)).toBe(2 * (2 * 5_000 + 10_000) + 2_000);
    expect(gatewayReplyTimeout({}, envs)).toBe(8_000);
  });

  it("keeps a REPLY_TIMEOUT_MS that covers the engine's line", () => {
    expect(gatewayReplyTimeout({ ...openai, REPLY_TIMEOUT_MS: '60s' }, envs)).toBe(60_000);
  });

  it('refuses start-up with a shorter REPLY_TIMEOUT_MS, naming it and the engine settings', () => {
    expect(() => gatewayReplyTimeout({ ...openai, REPLY_TIMEOUT_MS: '8s' }, envs)).toThrow(
      /REPLY_TIMEOUT_MS[\s\S]*OPENAI_TIMEOUT, OPENAI_MAX_RETRIES/,
    );
  });
});

describe('output of up', () => {
  it("prefixes a child's lines with its name in a fixed-width column", () => {
    const a = prefixLine('twilio-sim', 'listening');
    const b = prefixLine('conversation-engine', 'ready');
    expect(a.indexOf('|')).toBe(b.indexOf('|'));
    expect(a.endsWith('| listening')).toBe(true);
  });

  const addresses = (kafka: string, registry: string): UpAddresses => ({
    kafka,
    registry,
    stack: 'started',
    simUrl: 'http://127.0.0.1:40000',
    gatewayUrl: 'http://127.0.0.1:40001',
    appSid: 'AP1',
    datasetDir: '/data',
    ops: {
      orchestrator: ['http://127.0.0.1:1'],
      'twiml-gateway': ['http://127.0.0.1:2'],
      'conversation-engine': ['http://127.0.0.1:3'],
      'analytics-sink': ['http://127.0.0.1:4', 'http://127.0.0.1:5'],
    },
  });

  it('ends with the exact request command to run next, plain for the standard local stack', () => {
    const lines = readyLines(addresses('127.0.0.1:9092', 'http://127.0.0.1:8080/apis/ccompat/v7'));
    expect(lines.find((l) => l.startsWith('ready:'))).toBe(
      'ready: in another terminal run  npx synthcall request --calls 5',
    );
    expect(lines.join('\n')).toContain('/data');
    for (const port of ['40000', '40001', ':1 ', ':2 ', ':3 ', ':4 ', ':5 '])
      expect(lines.join('\n')).toContain(port);
  });

  it('passes other broker and registry addresses on to the request command', () => {
    const lines = readyLines(addresses('127.0.0.1:19092', 'http://127.0.0.1:18080/apis/ccompat/v7'));
    expect(lines.find((l) => l.startsWith('ready:'))).toContain(
      'npx synthcall request --calls 5 --brokers 127.0.0.1:19092 --registry http://127.0.0.1:18080/apis/ccompat/v7',
    );
  });
});

describe('stopping children', () => {
  const spawnNode = (code: string): Child =>
    startChild('test-child', ['-e', code], { PATH: process.env.PATH ?? '' }, () => undefined);

  it('sends SIGTERM and does not escalate when the child exits on it', async () => {
    const child = spawnNode('setInterval(() => {}, 1000)');
    await stopChild(child, 10_000);
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 30_000);

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const child = spawnNode(
      "process.on('SIGTERM', () => {}); console.log('armed'); setInterval(() => {}, 1000)",
    );
    // Wait until the handler is installed, or SIGTERM would end it before it could ignore the signal.
    await new Promise<void>((resolve) => child.proc.stdout?.once('data', () => resolve()));
    await stopChild(child, 200);
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Starting a Node child took over 5 s beside two CPU hogs: an honest budget, not vitest's default.
  }, 30_000);
});

describe('children of up', () => {
  const spawnNode = (name: string, code: string): Child =>
    startChild(name, ['-e', code], { PATH: process.env.PATH ?? '' }, () => undefined);

  it('crashes a child on purpose without reporting it, and still reports the next child that exits on its own', async () => {
    const children = new Children();
    const victim = spawnNode('conversation-engine', 'setInterval(() => {}, 1000)');
    const survivor = spawnNode('twilio-sim', 'setInterval(() => {}, 1000)');
    children.add(victim);
    children.add(survivor);
    let reported: unknown;
    void children.exited.then((exit) => {
      reported = exit;
    });

    const pid = await children.crash('conversation-engine');
    expect(pid).toBe(victim.proc.pid);
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(children.pids()).toEqual([survivor.proc.pid]);
    await expect(children.crash('conversation-engine')).rejects.toMatchObject({ code: 'SYNTH_UP_OPTIONS' });

    const crasher = spawnNode('analytics-sink', 'process.exit(3)');
    children.add(crasher);
    expect(await children.exited).toEqual({ name: 'analytics-sink', code: 3, signal: null });
    expect(reported).toEqual({ name: 'analytics-sink', code: 3, signal: null });
    await stopChild(survivor, 10_000);
  }, 30_000);
});

describe('a parent that dies without stopping its children', () => {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const tsNode = ['--conditions=@synthcall/source', '--import', 'tsx', '--input-type=module', '-e'];
  /** Exited, or a zombie nobody has reaped yet: either way no longer running. */
  const running = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  };

  it('leaves no orphan: a child using the shutdown manager stops when up is SIGKILLed', async () => {
    // The child is what every service's main does: a ShutdownManager with signal handlers, then it runs on.
    const childCode = `import { ShutdownManager } from '@synthcall/shutdown';
      const quiet = { info() {}, warn() {}, error() {} };
      new ShutdownManager({ logger: quiet }).add('close', () => {}).installSignalHandlers();
      console.log('child ready'); setInterval(() => {}, 1000);`;
    const parentCode = `import { startChild } from './cli/src/up.ts';
      const child = startChild('svc', ${JSON.stringify(tsNode)}.concat(${JSON.stringify(childCode)}), process.env,
        (line) => console.log(line));
      console.log('child pid ' + child.proc.pid);`;
    const parent = spawn(process.execPath, [...tsNode, parentCode], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let childPid = 0;
    await new Promise<void>((resolve, reject) => {
      parent.once('exit', (code) => reject(new Error(`the parent exited early (${String(code)})`)));
      createInterface({ input: parent.stdout }).on('line', (line) => {
        const pid = /^child pid (\d+)$/.exec(line)?.[1];
        if (pid) childPid = Number(pid);
        if (line.endsWith('child ready')) resolve();
      });
    });
    expect(await running(childPid)).toBe(true);

    parent.kill('SIGKILL');
    // Bounded: the child's shutdown is one empty step; 20 s covers a slow, busy machine.
    const deadline = Date.now() + 20_000;
    while ((await running(childPid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const orphaned = await running(childPid);
    if (orphaned) process.kill(childPid, 'SIGKILL');
    expect(orphaned).toBe(false);
  }, 60_000);
});

describe('startUp', () => {
  it('starts no child when it is stopped before it began', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'up-abort-'));
    const printed: string[] = [];
    try {
      await expect(
        startUp({
          brokers: ['127.0.0.1:9092'],
          registryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
          datasetDir: dir,
          clock: 'fast',
          logLevel: 'warn',
          stopStack: false,
          maxConcurrentCalls: 1,
          readyTimeoutMs: 1_000,
          stopGraceMs: 1_000,
          baseEnv: {},
          print: (line) => printed.push(line),
          signal: AbortSignal.abort(),
        }),
      ).rejects.toMatchObject({ code: 'SYNTH_UP_ABORTED' });
      expect(printed.filter((l) => l.includes('|'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses brokers without a registry before starting anything', async () => {
    await expect(
      startUp({
        brokers: ['127.0.0.1:9092'],
        datasetDir: '/nonexistent/never-created',
        clock: 'fast',
        logLevel: 'warn',
        stopStack: false,
        maxConcurrentCalls: 1,
        readyTimeoutMs: 1_000,
        stopGraceMs: 1_000,
        baseEnv: {},
        print: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'SYNTH_UP_OPTIONS' });
  });
});
