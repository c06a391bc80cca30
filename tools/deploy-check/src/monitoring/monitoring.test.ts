import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DASHBOARD_FILE, dashboard, renderDashboard } from '../generate/dashboard.js';
import { SERVICES } from '../image/assemble.js';
import { buildOverlay, type Manifest, REPO_ROOT } from '../k8s/manifests.js';
import { type RunningPrometheus, startPrometheus, until } from '../testing/prometheus.js';
import { metricFamilies, SERVICE_ENV, type Started, startService } from '../testing/services.js';
import { alertQueries, type Panel, panelQueries, type RuleGroup } from './panel-data.js';
import { isExported, metricNames, withFixedRanges } from './promql.js';

const run = promisify(execFile);

let dashboardPanels: Panel[] = [];
let ruleGroups: RuleGroup[] = [];
let dev: Manifest[] = [];
const families = new Map<string, string>();
let tmp = '';
const running = new Map<string, Started>();
let prometheus: RunningPrometheus | undefined;

interface PromResponse {
  status: string;
  error?: string;
  data: {
    result: { metric: Record<string, string> }[];
    activeTargets?: { labels: { job: string }; health: string }[];
  };
}
async function promApi(path: string): Promise<PromResponse> {
  return (await (await fetch(`${prometheus?.url}${path}`)).json()) as PromResponse;
}

async function promtoolCheckRules(groups: RuleGroup[]): Promise<{ ok: boolean; output: string }> {
  const file = join(tmp, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify({ groups }));
  try {
    const { stdout, stderr } = await run('promtool', ['check', 'rules', file]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Names a set of queries selects that nothing exports, as "<panel>: <metric>". */
const unexported = (queries: { panel: string; expr: string }[]) =>
  queries.flatMap(({ panel, expr }) =>
    metricNames(expr)
      .filter((name) => !isExported(name, families))
      .map((name) => `${panel}: ${name}`),
  );

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'synthcall-monitoring-'));
  dashboardPanels = (
    JSON.parse(await readFile(join(REPO_ROOT, DASHBOARD_FILE), 'utf8')) as { panels: Panel[] }
  ).panels;
  dev = await buildOverlay('dev');
  const rule = dev.find((m) => m.kind === 'PrometheusRule');
  ruleGroups = (rule?.spec as { groups: RuleGroup[] } | undefined)?.groups ?? [];
  // The metric families each service really registers: start it from source on the in-memory bus and read the
  // `# TYPE` lines of its /metrics (prom-client lists registered families even before they have samples).
  await Promise.all(
    SERVICES.map(async (service) => {
      const env = { ...SERVICE_ENV[service], DATASET_DIR: join(tmp, 'dataset') };
      const svc = await startService(
        join(REPO_ROOT, 'services', service),
        ['--import', 'tsx', '--conditions=@synthcall/source', 'src/main.ts'],
        service,
        env,
      );
      running.set(service, svc);
      const text = await (await fetch(`http://127.0.0.1:${svc.opsPort}/metrics`)).text();
      for (const [name, type] of metricFamilies(text)) families.set(name, type);
    }),
  );
  prometheus = await startPrometheus(
    tmp,
    Object.fromEntries([...running].map(([service, svc]) => [service, `127.0.0.1:${svc.opsPort}`])),
  );
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(
    [...running.values()].map(async (svc) => {
      svc.child.kill('SIGTERM');
      await svc.exited;
    }),
  );
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the Grafana dashboard', () => {
  it('is the checked-in file (run `npm run generate -w @synthcall/deploy-check`)', async () => {
    // Compared as JSON: `npm run format` may re-wrap the file, which changes no panel.
    expect(JSON.parse(await readFile(join(REPO_ROOT, DASHBOARD_FILE), 'utf8'))).toEqual(dashboard());
  });

  it('has the rows Pipeline, Topics, Services and Data, and every panel queries something', () => {
    expect(dashboardPanels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Pipeline',
      'Topics',
      'Services',
      'Data',
    ]);
    for (const panel of dashboardPanels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('queries only metrics the services register or Strimzi kafka-exporter exports', () => {
    expect(families.size).toBeGreaterThan(10);
    expect(unexported(panelQueries(dashboardPanels))).toEqual([]);
  });

  it('would be caught querying a metric nothing exports', () => {
    const broken = [
      ...dashboardPanels,
      { type: 'timeseries', title: 'typo', targets: [{ expr: 'sum(rate(synthcall_call_ended_total[5m]))' }] },
    ];
    expect(unexported(panelQueries(broken))).toEqual(['typo: synthcall_call_ended_total']);
  });

  it('has PromQL that Prometheus parses (every panel query checked by promtool as a recording rule)', async () => {
    const records = panelQueries(dashboardPanels).map(({ expr }, i) => ({
      record: `synthcall:panel_${i}`,
      expr: withFixedRanges(expr),
    }));
    const result = await promtoolCheckRules([{ name: 'panels', rules: records }]);
    expect(result.output).toContain(`SUCCESS: ${records.length} rules found`);
  });

  it('ships as a ConfigMap the Grafana sidecar picks up', () => {
    const cm = dev.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'grafana-dashboard-synthcall');
    expect(cm?.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse((cm?.data as Record<string, string> | undefined)?.['synthcall.json'] ?? '{}')).toEqual(
      JSON.parse(renderDashboard()),
    );
  });
});

describe('the alert rules', () => {
  it('cover lag, dead letters, loop_detected and fallback rates, webhook 5xx and an open LLM circuit', () => {
    const exprs = alertQueries(ruleGroups)
      .map((a) => a.expr)
      .join('\n');
    for (const metric of [
      'kafka_consumergroup_lag',
      'synthcall_dead_letters_total',
      'synthcall_fallback_turns_total',
      'synthcall_webhooks_total',
      'synthcall_circuit_breaker_state',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toContain('end_reason="loop_detected"');
  });

  it('pass promtool check rules', async () => {
    const result = await promtoolCheckRules(ruleGroups);
    expect(result.output).toContain(`SUCCESS: ${alertQueries(ruleGroups).length} rules found`);
  });

  it('fail promtool check rules when an expression is broken', async () => {
    const broken = structuredClone(ruleGroups);
    const [first] = broken;
    if (first?.rules[0]) first.rules[0].expr = 'sum(rate(synthcall_dead_letters_total[10m]) > 0';
    const result = await promtoolCheckRules(broken);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/parse error/i);
  });

  it('query only metrics the services register or Strimzi kafka-exporter exports', () => {
    expect(unexported(alertQueries(ruleGroups))).toEqual([]);
  });
});

describe('a real Prometheus (Debian package) scraping the services started from source', () => {
  it('ingests every service: each target is up and synthcall_build_info has a series per service', async () => {
    const allUp = await until(async () => {
      const targets = (await promApi('/api/v1/targets')).data.activeTargets ?? [];
      return targets.length === SERVICES.length && targets.every((t) => t.health === 'up');
    }, 30_000);
    expect(allUp).toBe(true);
    const ingested = await until(
      async () =>
        (await promApi('/api/v1/query?query=synthcall_build_info')).data.result.length === SERVICES.length,
      30_000,
    );
    expect(ingested).toBe(true);
    const { data } = await promApi('/api/v1/query?query=synthcall_build_info');
    expect(data.result.map((r) => r.metric.service).sort()).toEqual([...SERVICES].sort());
  }, 70_000);

  it('evaluates every dashboard and alert query without error (no calls run here, so most return no series)', async () => {
    const errors: string[] = [];
    for (const { panel, expr } of [...panelQueries(dashboardPanels), ...alertQueries(ruleGroups)]) {
      const res = await promApi(`/api/v1/query?query=${encodeURIComponent(withFixedRanges(expr))}`);
      if (res.status !== 'success') errors.push(`${panel}: ${res.error ?? res.status}`);
    }
    expect(errors).toEqual([]);
    // The same call does report a query Prometheus rejects (rate needs a range vector).
    expect(
      (await promApi(`/api/v1/query?query=${encodeURIComponent('rate(synthcall_build_info)')}`)).status,
    ).toBe('error');
  }, 30_000);
});
