import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallRecord } from '@synthcall/analytics-sink/dataset';
import { IMAGES, requireImages, useContainerEngine } from '@synthcall/containers';
import { freePort } from '@synthcall/stack';
import { integrationEnv, uniqueName } from '@synthcall/testing';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeProblem } from '../bin/require-node.js';
import { requestCalls } from './request.js';
import { connectSimToGateway } from './sim-gateway.js';
import {
  gatewayReplyTimeout,
  SERVICES,
  type ServiceName,
  serviceEnvs,
  UP_SIM_ACCOUNT_SID,
  UP_SIM_AUTH_TOKEN,
} from './up.js';

// The four services and twilio-sim as containers of the images tools/containers/containers.sh builds, wired as
// `synthcall up` wires its processes (serviceEnvs): the images are what deploy/k8s runs, so this is their start-up,
// configuration and shutdown for real, on the project's Node. The containers share the host's network and listen
// on 127.0.0.1 only. Without an engine and the images it fails with the command that provides them; it never skips.

const CALLS = 5;
const DATASET_IN_CONTAINER = '/data';
const started: StartedTestContainer[] = [];
let dir = '';

afterAll(async () => {
  // Services first (the sink flushes), the sim they talk to last, as `synthcall up` stops them.
  const sim = started.shift();
  await Promise.all(started.splice(0).map((c) => c.stop({ timeout: 15_000 })));
  await sim?.stop({ timeout: 15_000 });
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function ready(url: string, until: number, container: StartedTestContainer): Promise<void> {
  for (;;) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > until) {
      const logs = await container.logs({ tail: 30 });
      const lines: string[] = [];
      for await (const chunk of logs) lines.push(String(chunk));
      throw new Error(`${container.getName()} not ready at ${url}:\n${lines.join('')}`);
    }
    await sleep(500);
  }
}

async function callsOf(requestId: string): Promise<CallRecord[]> {
  const file = join(dir, 'calls.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord)
    .filter((r) => r.requestId === requestId);
}

describe('the service images', () => {
  it('run requested calls through the four service containers and the twilio-sim container into the dataset', async () => {
    useContainerEngine();
    await requireImages([IMAGES.twilioSim, ...SERVICES.map(IMAGES.service)]);
    const { GenericContainer, Wait } = await import('testcontainers');
    const env = integrationEnv();
    dir = await mkdtemp(join(tmpdir(), 'synthcall-containers-it-'));
    // The sink runs as the image's node user (uid 1000) and writes here through the bind mount.
    await chmod(dir, 0o777);

    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const sim = await new GenericContainer(IMAGES.twilioSim)
      .withNetworkMode('host')
      .withCommand([
        'node',
        'bin/twilio-sim.js',
        '--account-sid',
        UP_SIM_ACCOUNT_SID,
        '--auth-token',
        UP_SIM_AUTH_TOKEN,
        '--port',
        String(simPort),
        '--clock',
        'fast',
      ])
      .withWaitStrategy(Wait.forLogMessage(/listening on/))
      .withStartupTimeout(60_000)
      .start();
    started.push(sim);

    const gatewayPort = await freePort();
    const wiring = await connectSimToGateway({
      simUrl,
      accountSid: UP_SIM_ACCOUNT_SID,
      authToken: UP_SIM_AUTH_TOKEN,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      name: uniqueName('containers-it'),
    });
    const opsPorts = {} as Record<ServiceName, number>;
    for (const name of SERVICES) opsPorts[name] = await freePort();
    const envs = serviceEnvs({
      brokers: env.brokers,
      registryUrl: env.registryUrl,
      simUrl,
      gatewayPort,
      appSid: wiring.appSid,
      intelligenceServiceSid: wiring.intelligenceServiceSid,
      datasetDir: DATASET_IN_CONTAINER,
      opsPorts,
      logLevel: 'warn',
      maxConcurrentCalls: CALLS,
    });
    envs['twiml-gateway'].REPLY_TIMEOUT_MS = String(gatewayReplyTimeout({}, envs));

    const services = await Promise.all(
      SERVICES.map(async (name) => {
        let container = new GenericContainer(IMAGES.service(name))
          .withNetworkMode('host')
          .withEnvironment(envs[name]);
        if (name === 'analytics-sink')
          container = container.withBindMounts([{ source: dir, target: DATASET_IN_CONTAINER }]);
        const c = await container.start();
        started.push(c);
        return c;
      }),
    );
    const until = Date.now() + 120_000;
    await Promise.all(
      SERVICES.map((name, i) =>
        ready(`http://127.0.0.1:${opsPorts[name]}/readyz`, until, services[i] as StartedTestContainer),
      ),
    );

    // The images run the project's Node (24 LTS), the one the CLI and the tests require.
    for (const c of started) {
      const { exitCode, stdout } = await c.exec(['node', '-p', 'process.versions.node']);
      expect(exitCode, c.getName()).toBe(0);
      expect(nodeProblem(stdout.trim()), `${c.getName()} runs Node ${stdout.trim()}`).toBeUndefined();
    }

    const requestId = uniqueName('containers-it');
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
    expect(sent.map((r) => r.verdict)).toEqual([{ outcome: 'accepted', firstCallId: `${requestId}-0000` }]);

    const deadline = Date.now() + 240_000;
    let calls = await callsOf(requestId);
    while (calls.length < CALLS && Date.now() < deadline) {
      await sleep(1_000);
      calls = await callsOf(requestId);
    }
    expect(calls).toHaveLength(CALLS);
    for (const call of calls) {
      expect(call.endReason).not.toBeNull();
      expect(call.turnCount).toBeGreaterThanOrEqual(6);
      expect(existsSync(join(dir, 'transcripts', `${call.callId}.json`))).toBe(true);
      const labels = JSON.parse(await readFile(join(dir, 'labels', `${call.callId}.json`), 'utf8'));
      expect(labels).toMatchObject({ callId: call.callId, synthetic: true, source: 'provider' });
    }

    // Each service stops on SIGTERM (node is PID 1 in the image and handles it) within the grace period: exit 0.
    for (const c of started.splice(1)) {
      const stopped = await c.stop({ timeout: 15_000, remove: false });
      const { getContainerRuntimeClient } = await import('testcontainers');
      const client = await getContainerRuntimeClient();
      const info = await client.container.inspect(client.container.getById(stopped.getId()));
      expect(info.State.ExitCode, c.getName()).toBe(0);
      await client.container.remove(client.container.getById(stopped.getId()));
    }
    // Longer than the test's own deadlines added up (sim start 60 s, readiness 120 s, request 60 s, calls 240 s, five
    // stops of 15 s), so on a busy machine the step that is late fails with its own message, not the 60 s default.
  }, 600_000);
});
