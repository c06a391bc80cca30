/**
 * `npm run e2e:cluster`: the local overlay on a real Kubernetes, end to end. With KUBECONFIG set it uses that
 * cluster; otherwise it starts the single-node one of tools/cluster/cluster.sh (and stops it at the end). Then:
 * `kubectl apply -k deploy/k8s/overlays/local`, wait for the rollout, `synthcall request --calls N` into the
 * cluster's Kafka (127.0.0.1:31092: the pods use the node's network), `kubectl rollout restart` of each service
 * while the calls run, until every call of the request is in the analytics-sink's dataset; then every dashboard
 * panel's queries go to the in-cluster Prometheus and each must answer with series. Bounded: it gives up after
 * SYNTHCALL_E2E_TIMEOUT seconds (default 2400) and says which step was running. Exit 0 only when all of it held.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { TOPICS } from '@synthcall/schemas';
import { DASHBOARD_FILE } from '../generate/dashboard.js';
import { SERVICES } from '../image/assemble.js';
import { REPO_ROOT } from '../k8s/manifests.js';
import {
  checkPanels,
  EXPECTED_EMPTY_PANELS,
  type Panel,
  panelQueries,
  prometheusEvaluator,
} from '../monitoring/panel-data.js';
import { withFixedRanges } from '../monitoring/promql.js';
import { type RunningKafkaExporter, startKafkaExporter } from '../testing/kafka-exporter.js';

const run = promisify(execFile);
const NAMESPACE = 'synthcall';
const OVERLAY = 'deploy/k8s/overlays/local';
// The loopback addresses of the local overlay (deploy/k8s/overlays/local/kustomization.yaml).
const BROKERS = '127.0.0.1:31092';
const REGISTRY_URL = 'http://127.0.0.1:31080/apis/ccompat/v7';
const PROMETHEUS_URL = 'http://127.0.0.1:31090';
const KAFKA_EXPORTER_PORT = 31308;
const CALLS = Number(process.env.SYNTHCALL_E2E_CALLS ?? 20);
const DEADLINE = Date.now() + Number(process.env.SYNTHCALL_E2E_TIMEOUT ?? 2400) * 1000;
const STARTED = Date.now();

let step = 'start';
const elapsed = () => `${((Date.now() - STARTED) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => process.stdout.write(`[e2e ${elapsed()}] ${line}\n`);
const remaining = () => Math.max(1, Math.floor((DEADLINE - Date.now()) / 1000));

class E2eError extends Error {}

let kubectlBin = 'kubectl';
async function kubectl(args: string[], timeoutSec = remaining()): Promise<string> {
  try {
    const { stdout } = await run(kubectlBin, ['-n', NAMESPACE, `--request-timeout=${timeoutSec}s`, ...args], {
      env: process.env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: timeoutSec * 1000 + 5000,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new E2eError(`kubectl ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Polls `check` every `everyMs` until it returns true; fails the step when the run's deadline passes. */
async function until(what: string, check: () => Promise<boolean>, everyMs = 5000): Promise<void> {
  while (Date.now() < DEADLINE) {
    if (await check().catch(() => false)) return;
    await sleep(everyMs);
  }
  throw new E2eError(`timed out waiting for ${what}`);
}

/** The cluster: KUBECONFIG's, or the local one that tools/cluster/cluster.sh starts (then stopped at the end). */
async function cluster(): Promise<{ started: boolean }> {
  const localKubectl = join(
    process.env.SYNTHCALL_CLUSTER_CACHE ?? join(process.env.HOME ?? '', '.cache/synthcall/cluster'),
    'bin/kubectl',
  );
  if (existsSync(localKubectl)) kubectlBin = localKubectl;
  if (process.env.KUBECONFIG) {
    log(`using the cluster of KUBECONFIG=${process.env.KUBECONFIG}`);
    return { started: false };
  }
  step = 'cluster:up';
  log('KUBECONFIG is not set: starting the local cluster (tools/cluster/cluster.sh up)');
  const up = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'tools/cluster/cluster.sh'), 'up'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new E2eError(`cluster.sh up exited with ${code}`)),
    );
  });
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(up)?.[1];
  if (!kubeconfig) throw new E2eError(`cluster.sh up printed no KUBECONFIG line:\n${up}`);
  process.env.KUBECONFIG = kubeconfig;
  if (existsSync(localKubectl)) kubectlBin = localKubectl;
  return { started: true };
}

/** The ended calls of `requestId` in the analytics-sink's dataset (calls.jsonl, read in its pod), with their end reason. */
async function endedCalls(requestId: string): Promise<Map<string, string>> {
  const out = await kubectl(
    [
      'exec',
      'deployment/analytics-sink',
      '--',
      'sh',
      '-c',
      'cat /data/dataset/calls.jsonl 2>/dev/null || true',
    ],
    60,
  );
  const ended = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line.includes(`"requestId":"${requestId}"`)) continue;
    const id = /"callId":"([^"]+)"/.exec(line)?.[1];
    if (id) ended.set(id, /"endReason":"([^"]+)"/.exec(line)?.[1] ?? '?');
  }
  return ended;
}

async function main(): Promise<void> {
  const { started } = await cluster();
  let exporter: RunningKafkaExporter | undefined;
  try {
    step = 'apply';
    const version = await kubectl(['version', '-o', 'json'], 60);
    const server = (JSON.parse(version) as { serverVersion?: { gitVersion?: string } }).serverVersion
      ?.gitVersion;
    log(`Kubernetes ${server}; kubectl ${kubectlBin}`);
    await kubectl(['get', 'namespace', NAMESPACE], 60).catch(() =>
      kubectl(['create', 'namespace', NAMESPACE], 60),
    );
    const t0 = Date.now();
    log(`kubectl apply -k ${OVERLAY}`);
    process.stdout.write(await kubectl(['apply', '-k', join(REPO_ROOT, OVERLAY)]));

    step = 'rollout';
    await kubectl(['wait', '--for=condition=complete', 'job/provision-topics', `--timeout=${remaining()}s`]);
    log('job/provision-topics complete: topics created, schemas registered');
    for (const workload of [
      'statefulset/kafka',
      'deployment/apicurio-registry',
      'deployment/twilio-sim',
      'deployment/prometheus',
      ...SERVICES.map((s) => `deployment/${s}`),
    ]) {
      await kubectl(['rollout', 'status', workload, `--timeout=${remaining()}s`]);
    }
    log(`rolled out in ${((Date.now() - t0) / 1000).toFixed(0)} s:`);
    process.stdout.write(await kubectl(['get', 'pods', '-o', 'wide']));

    // What Strimzi's exporter would watch; Prometheus scrapes it at 127.0.0.1:31308 (a stand-in: see deploy/k8s/README).
    step = 'kafka-exporter';
    exporter = await startKafkaExporter({
      brokers: [BROKERS],
      topicFilter: new RegExp(
        `^(${Object.values(TOPICS)
          .map((t) => t.name)
          .join('|')})$`,
      ),
      groupFilter: new RegExp(`^(${SERVICES.join('|')})(-|$)`),
      port: KAFKA_EXPORTER_PORT,
    });

    step = 'request';
    const requestId = `e2e-cluster-${Date.now()}`;
    const t1 = Date.now();
    const request = [
      'request',
      '--calls',
      String(CALLS),
      '--seed',
      requestId,
      '--request-id',
      requestId,
      '--brokers',
      BROKERS,
      '--registry',
      REGISTRY_URL,
      '--wait',
      '120',
    ];
    log(`synthcall ${request.join(' ')}`);
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'cli/bin/synthcall.js'), ...request], {
      timeout: remaining() * 1000,
    });
    process.stdout.write(stdout);

    // Each service restarted while the calls run: none of them may be lost.
    step = 'rollout restart';
    await until('the first ended call', async () => (await endedCalls(requestId)).size > 0, 3000);
    let endedBeforeLast = 0;
    for (const service of SERVICES) {
      const t = Date.now();
      const before = (await endedCalls(requestId)).size;
      endedBeforeLast = before;
      await kubectl(['rollout', 'restart', `deployment/${service}`]);
      await kubectl(['rollout', 'status', `deployment/${service}`, `--timeout=${remaining()}s`]);
      log(
        `rollout restart deployment/${service}: ${((Date.now() - t) / 1000).toFixed(0)} s (${before}/${CALLS} calls ended before it)`,
      );
    }

    // A restart after every call has ended proves nothing about losing calls: say so instead of passing.
    if (endedBeforeLast >= CALLS)
      throw new E2eError(
        `all ${CALLS} calls ended before the last restart began: raise SYNTHCALL_E2E_CALLS so the restarts fall mid-run`,
      );
    step = 'calls';
    let ended = new Map<string, string>();
    await until(`${CALLS} ended calls of ${requestId} in the dataset`, async () => {
      ended = await endedCalls(requestId);
      return ended.size >= CALLS;
    });
    log(
      `${ended.size}/${CALLS} calls ended and written to the dataset in ${((Date.now() - t1) / 1000).toFixed(0)} s`,
    );
    if (ended.size !== CALLS) throw new E2eError(`expected ${CALLS} calls, the dataset has ${ended.size}`);
    // A call the restarts broke is in the dataset too, ended with an error: that is a lost call.
    const reasons = new Map<string, number>();
    for (const reason of ended.values()) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    log(`end reasons: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`);
    if (reasons.has('error'))
      throw new E2eError(`${reasons.get('error')} of ${CALLS} calls ended with an error`);

    step = 'panels';
    const board = JSON.parse(await readFile(join(REPO_ROOT, DASHBOARD_FILE), 'utf8')) as { panels: Panel[] };
    const queries = panelQueries(board.panels);
    const evaluate = prometheusEvaluator(PROMETHEUS_URL);
    let report = await checkPanels(queries, evaluate, EXPECTED_EMPTY_PANELS);
    // Prometheus scrapes every 5 s: give it a few scrapes after the last call.
    await until('every dashboard panel to have series', async () => {
      report = await checkPanels(queries, evaluate, EXPECTED_EMPTY_PANELS);
      return report.errors.length === 0 && report.empty.length === 0;
    });
    const panels = [...new Set(queries.map((q) => q.panel))];
    for (const panel of panels) {
      const series = await Promise.all(
        queries.filter((q) => q.panel === panel).map((q) => evaluate(withFixedRanges(q.expr))),
      );
      const count = series.reduce((n, s) => n + (s.ok ? s.series : 0), 0);
      log(
        `panel ${JSON.stringify(panel)}: ${count} series${panel in EXPECTED_EMPTY_PANELS ? ' (expected empty offline)' : ''}`,
      );
    }
    if (report.unexpectedlyFilled.length)
      throw new E2eError(`panels expected empty have series: ${report.unexpectedlyFilled.join(', ')}`);
    log(
      `passed: ${CALLS} calls through the cluster, 4 services restarted mid-run, ${panels.length} panels answered`,
    );
  } finally {
    await exporter?.stop();
    if (started && process.env.SYNTHCALL_E2E_KEEP_CLUSTER !== '1') {
      log(
        'stopping the cluster it started (tools/cluster/cluster.sh down; SYNTHCALL_E2E_KEEP_CLUSTER=1 keeps it)',
      );
      await run('bash', [join(REPO_ROOT, 'tools/cluster/cluster.sh'), 'down']).catch((e: Error) =>
        log(e.message),
      );
    }
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(`FAILED at step "${step}": ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.KUBECONFIG && step !== 'cluster:up') {
      const pods = await kubectl(['get', 'pods', '-o', 'wide'], 30).catch(() => '');
      if (pods) process.stdout.write(pods);
    }
    process.exit(1);
  },
);
