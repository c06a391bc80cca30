import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestCalls, startUp, type Up } from '@synthcall/cli';
import { TOPICS } from '@synthcall/schemas';
import { integrationEnv, uniqueName } from '@synthcall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// The CLI's own way to start the services over Kafka and to request calls (the package exports no `startUp`).
import { DASHBOARD_FILE } from '../generate/dashboard.js';
import { SERVICES } from '../image/assemble.js';
import { REPO_ROOT } from '../k8s/manifests.js';
import { type RunningKafkaExporter, startKafkaExporter } from '../testing/kafka-exporter.js';
import { type RunningPrometheus, startPrometheus, until } from '../testing/prometheus.js';
import { metricFamilies } from '../testing/services.js';
import {
  alertQueries,
  checkPanels,
  type Evaluate,
  EXPECTED_EMPTY_PANELS,
  metricsWithoutSeries,
  type Panel,
  type PanelQuery,
  panelQueries,
  prometheusEvaluator,
  type RuleGroup,
} from './panel-data.js';
import { KAFKA_EXPORTER_METRICS } from './promql.js';

// The services run on the manifest's topics and fixed consumer groups, as in production (like `synthcall up`): this
// test waits for its own request id in its own dataset folder. Calls another test requests meanwhile may be
// handled here too, which only adds series. Another set of services on the same broker at the same time (a second
// `synthcall up`, cli's up.int.test.ts) would join the same groups and could take some of these calls: vitest runs
// integration files one at a time on this 2-core machine, so only a concurrent run by hand can do that.

const CALLS = 5;
const RULES_FILE = 'deploy/k8s/base/monitoring/prometheusrule.yaml';

/** Metrics an alert watches that have no series in an offline run (the same reasons). */
const EXPECTED_MISSING_METRICS: Record<string, string> = {
  synthcall_circuit_breaker_state: EXPECTED_EMPTY_PANELS['LLM circuit breaker state'] ?? '',
};

const lines: string[] = [];
let tmp = '';
let up: Up | undefined;
let exporter: RunningKafkaExporter | undefined;
let prometheus: RunningPrometheus | undefined;
let evaluate: Evaluate;
let panels: PanelQuery[] = [];
let alerts: PanelQuery[] = [];
let ruleGroups: RuleGroup[] = [];

async function endedCalls(requestId: string): Promise<number> {
  const file = join(tmp, 'dataset', 'calls.jsonl');
  if (!existsSync(file)) return 0;
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.includes(`"requestId":"${requestId}"`)).length;
}

beforeAll(async () => {
  const env = integrationEnv();
  const brokers = env.brokers.split(',');
  tmp = await mkdtemp(join(tmpdir(), 'synthcall-dashboard-data-'));
  const board = JSON.parse(await readFile(join(REPO_ROOT, DASHBOARD_FILE), 'utf8')) as { panels: Panel[] };
  panels = panelQueries(board.panels);
  const rule = parse(await readFile(join(REPO_ROOT, RULES_FILE), 'utf8')) as {
    spec: { groups: RuleGroup[] };
  };
  ruleGroups = rule.spec.groups;
  alerts = alertQueries(ruleGroups);

  up = await startUp({
    brokers,
    registryUrl: env.registryUrl,
    datasetDir: join(tmp, 'dataset'),
    clock: 'fast',
    logLevel: 'warn',
    stopStack: false,
    maxConcurrentCalls: CALLS,
    readyTimeoutMs: 120_000,
    stopGraceMs: 15_000,
    baseEnv: { PATH: process.env.PATH ?? '' },
    print: (line) => lines.push(line),
  });
  // What Strimzi's exporter would watch: the manifest's topics and the services' consumer groups.
  const names = Object.values(TOPICS).map((t) => t.name);
  exporter = await startKafkaExporter({
    brokers,
    topicFilter: new RegExp(`^(${names.join('|')})$`),
    groupFilter: new RegExp(`^(${SERVICES.join('|')})(-|$)`),
  });
  const targets: Record<string, string> = { 'kafka-exporter': exporter.target };
  // One replica of each service (startUp's default): its one ops address.
  for (const service of SERVICES)
    targets[service] = (up.addresses.ops[service][0] ?? '').replace('http://', '');
  prometheus = await startPrometheus(tmp, targets, ruleGroups);
  evaluate = prometheusEvaluator(prometheus.url);
}, 180_000);

afterAll(async () => {
  await up?.stop();
  await exporter?.stop();
  await prometheus?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the dashboard and alerts against a real Prometheus scraping the services over Kafka after real calls', () => {
  it(`gives every panel series after ${CALLS} calls, and every alert evaluates on metrics that exist`, async () => {
    const requestId = uniqueName('dashboard-data');
    await requestCalls({
      calls: CALLS,
      seed: requestId,
      strategy: 'matched',
      maxTurns: 24,
      mode: 'simulated',
      industries: [],
      requests: 1,
      requestId,
      brokers: integrationEnv().brokers.split(','),
      registryUrl: integrationEnv().registryUrl,
    });
    const ended = await until(async () => (await endedCalls(requestId)) >= CALLS, 180_000);
    expect(
      ended,
      `calls in the dataset after 180 s; the services printed:\n${lines.slice(-30).join('\n')}`,
    ).toBe(true);

    // Prometheus scrapes every second: wait until it has seen the ended calls and the consumer groups' offsets,
    // then until every panel has series (bounded; the report below says which did not).
    const series = async (expr: string) => {
      const result = await evaluate(expr);
      return result.ok ? result.series : 0;
    };
    const scraped = await until(
      async () =>
        (await series(`sum(synthcall_calls_ended_total) >= ${CALLS}`)) > 0 &&
        (await series('group(kafka_consumergroup_lag)')) > 0,
      30_000,
    );
    expect(scraped).toBe(true);
    let report = await checkPanels(panels, evaluate, EXPECTED_EMPTY_PANELS);
    await until(async () => {
      report = await checkPanels(panels, evaluate, EXPECTED_EMPTY_PANELS);
      return report.empty.length === 0;
    }, 20_000);
    expect(report).toEqual({ errors: [], empty: [], unexpectedlyFilled: [] });

    const alertReport = await checkPanels(alerts, evaluate);
    expect(alertReport.errors).toEqual([]);
    expect(await metricsWithoutSeries(alerts, evaluate, EXPECTED_MISSING_METRICS)).toEqual([]);
  }, 300_000);

  it('loads every alert into the rule engine: each evaluates (health ok) and none fires on a healthy run', async () => {
    const url = prometheus?.url;
    interface Rules {
      data: { groups: { rules: { name: string; health: string; state?: string; lastError?: string }[] }[] };
    }
    const rules = async () =>
      ((await (await fetch(`${url}/api/v1/rules?type=alert`)).json()) as Rules).data.groups.flatMap(
        (g) => g.rules,
      );
    // Evaluated every second; "unknown" until the first evaluation.
    expect(await until(async () => (await rules()).every((r) => r.health !== 'unknown'), 15_000)).toBe(true);
    const loaded = await rules();
    expect(loaded.map((r) => r.name).sort()).toEqual(alerts.map((a) => a.panel).sort());
    expect(loaded.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    expect(loaded.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
  }, 30_000);

  it("scrapes from the kafka-exporter stand-in every metric name the dashboard may use from Strimzi's exporter", async () => {
    const families = metricFamilies(await (await fetch(`http://${exporter?.target}/metrics`)).text());
    expect(KAFKA_EXPORTER_METRICS.filter((name) => !families.has(name))).toEqual([]);
  }, 30_000);

  it('fails a panel that queries a metric nothing exports, against the same Prometheus', async () => {
    const report = await checkPanels(
      [
        { panel: 'build info', expr: 'count by (service) (synthcall_build_info)' },
        { panel: 'typo', expr: 'sum(rate(synthcall_call_ended_total[$__rate_interval]))' },
      ],
      evaluate,
    );
    expect(report).toEqual({ errors: [], empty: ['typo'], unexpectedlyFilled: [] });
  }, 60_000);
});
