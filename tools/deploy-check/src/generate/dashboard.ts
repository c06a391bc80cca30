/** Where the dashboard lives; base/kustomization.yaml ships it as a ConfigMap for the Grafana sidecar. */
export const DASHBOARD_FILE = 'deploy/k8s/base/monitoring/synthcall-dashboard.json';

type PanelType = 'timeseries' | 'stat' | 'piechart';

interface PanelSpec {
  title: string;
  type: PanelType;
  unit: string;
  description: string;
  targets: { expr: string; legend: string }[];
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const ts = (
  title: string,
  unit: string,
  description: string,
  ...targets: PanelSpec['targets']
): PanelSpec => ({
  title,
  type: 'timeseries',
  unit,
  description,
  targets,
});

const q = (p: number, metric: string, by: string) =>
  `histogram_quantile(${p}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket[$__rate_interval])))`;

/**
 * The rows of issue #6. Topic and lag panels use Strimzi's kafka-exporter names (the queries of Strimzi's own
 * dashboard); everything else uses metrics the services register, which the deploy-check tests verify.
 */
export const ROWS: RowSpec[] = [
  {
    title: 'Pipeline',
    panels: [
      ts('Calls ended per minute by end reason', 'cpm', 'Calls the engine ended, by why they ended.', {
        expr: 'sum by (end_reason) (rate(synthcall_calls_ended_total[$__rate_interval])) * 60',
        legend: '{{end_reason}}',
      }),
      ts('Calls started per minute', 'cpm', 'Conferences the orchestrator created, by pairing strategy.', {
        expr: 'sum by (strategy) (rate(synthcall_calls_started_total[$__rate_interval])) * 60',
        legend: '{{strategy}}',
      }),
      ts('Active calls', 'short', 'Calls in progress, as the engine and the gateway see them.', {
        expr: 'sum by (service) (synthcall_active_calls)',
        legend: '{{service}}',
      }),
      ts(
        'Turn latency p50 / p99',
        's',
        'From a heard utterance to the published reply.',
        { expr: q(0.5, 'synthcall_turn_duration_seconds', ''), legend: 'p50' },
        { expr: q(0.99, 'synthcall_turn_duration_seconds', ''), legend: 'p99' },
      ),
      ts('Fallback turns per minute', 'cpm', 'Spoken fallback lines (reply not ready, provider failing).', {
        expr: 'sum by (service) (rate(synthcall_fallback_turns_total[$__rate_interval])) * 60',
        legend: '{{service}}',
      }),
    ],
  },
  {
    title: 'Topics',
    panels: [
      ts(
        'Messages in per second by topic',
        'mps',
        "Strimzi kafka-exporter: growth of each topic's end offsets.",
        {
          expr: 'sum by (topic) (rate(kafka_topic_partition_current_offset{topic!~"__.*"}[$__rate_interval]))',
          legend: '{{topic}}',
        },
      ),
      ts('Consumer lag by group and topic', 'short', 'Strimzi kafka-exporter: messages not yet consumed.', {
        expr: 'sum by (consumergroup, topic) (kafka_consumergroup_lag{topic!~"__.*"})',
        legend: '{{consumergroup}} / {{topic}}',
      }),
      ts('Messages produced per second by the services', 'mps', 'What the services published, per topic.', {
        expr: 'sum by (topic) (rate(synthcall_messages_produced_total[$__rate_interval]))',
        legend: '{{topic}}',
      }),
      ts('Messages consumed per second by outcome', 'mps', 'Handled, failed, dead-lettered or skipped.', {
        expr: 'sum by (group, outcome) (rate(synthcall_messages_consumed_total[$__rate_interval]))',
        legend: '{{group}} {{outcome}}',
      }),
      ts('Handler duration p99', 's', 'Time a consumer handler took per message, retries included.', {
        expr: q(0.99, 'synthcall_handler_duration_seconds', 'group'),
        legend: '{{group}}',
      }),
    ],
  },
  {
    title: 'Services',
    panels: [
      ts('Webhook latency p99 by route', 's', "The gateway's answer time; Twilio gives up after 15 s.", {
        expr: q(0.99, 'synthcall_webhook_duration_seconds', 'route'),
        legend: '{{route}}',
      }),
      ts('Webhook 5xx per second', 'reqps', 'Webhooks the gateway failed; Twilio drops the leg.', {
        expr: 'sum by (route) (rate(synthcall_webhooks_total{status=~"5.."}[$__rate_interval]))',
        legend: '{{route}}',
      }),
      ts('LLM request latency p95', 's', 'Each attempt to the language model, by provider and outcome.', {
        expr: q(0.95, 'synthcall_llm_request_duration_seconds', 'provider, outcome'),
        legend: '{{provider}} {{outcome}}',
      }),
      ts('LLM tokens per minute', 'short', 'Prompt and completion tokens.', {
        expr: 'sum by (provider, kind) (rate(synthcall_llm_tokens_total[$__rate_interval])) * 60',
        legend: '{{provider}} {{kind}}',
      }),
      ts('LLM estimated cost per hour', 'currencyUSD', 'Tokens times the configured prices.', {
        expr: 'sum by (provider) (rate(synthcall_llm_cost_usd_total[$__rate_interval])) * 3600',
        legend: '{{provider}}',
      }),
      ts('LLM circuit breaker state', 'short', '0 closed, 1 half-open, 2 open.', {
        expr: 'max by (provider) (synthcall_circuit_breaker_state)',
        legend: '{{provider}}',
      }),
      ts(
        'Twilio API calls per second by outcome',
        'reqps',
        'REST calls of the orchestrator; errors included.',
        {
          expr: 'sum by (operation, outcome) (rate(synthcall_twilio_api_requests_total[$__rate_interval]))',
          legend: '{{operation}} {{outcome}}',
        },
      ),
      ts('Dead letters', 'short', 'Messages sent to dead-letters, by consumer group and error code.', {
        expr: 'sum by (group, code) (increase(synthcall_dead_letters_total[$__rate_interval]))',
        legend: '{{group}} {{code}}',
      }),
    ],
  },
  {
    title: 'Data',
    panels: [
      {
        title: 'Outcome mix (end reasons over the range)',
        type: 'piechart',
        unit: 'short',
        description: 'How the calls of the selected range ended.',
        targets: [
          {
            expr: 'sum by (end_reason) (increase(synthcall_calls_ended_total[$__range]))',
            legend: '{{end_reason}}',
          },
        ],
      },
      {
        title: 'loop_detected rate',
        type: 'stat',
        unit: 'percentunit',
        description: 'Share of calls the quality gate ended as loops.',
        targets: [
          {
            expr: 'sum(rate(synthcall_calls_ended_total{end_reason="loop_detected"}[$__rate_interval])) / sum(rate(synthcall_calls_ended_total[$__rate_interval]))',
            legend: 'loop_detected',
          },
        ],
      },
      ts(
        'Calls rejected by reason',
        'short',
        'Requests the orchestrator did not place (caps, invalid personas).',
        {
          expr: 'sum by (reason) (increase(synthcall_calls_rejected_total[$__rate_interval]))',
          legend: '{{reason}}',
        },
      ),
    ],
  },
];

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax (the datasource picker).
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

// Grafana's dashboard schema makes these panel options required (Grafana fills them in when it loads a dashboard
// without them; the schema check does not), so every panel states them with Grafana's own defaults.
const LEGEND = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] };
const TOOLTIP = { mode: 'multi', sort: 'none' };
const REDUCE = { calcs: ['lastNotNull'], fields: '', values: false };
const OPTIONS: Record<PanelType, Record<string, unknown>> = {
  timeseries: { legend: LEGEND, tooltip: TOOLTIP },
  stat: {
    graphMode: 'area',
    colorMode: 'value',
    justifyMode: 'auto',
    textMode: 'auto',
    wideLayout: true,
    showPercentChange: false,
    reduceOptions: REDUCE,
    percentChangeColorMode: 'standard',
    orientation: 'auto',
  },
  piechart: {
    pieType: 'pie',
    tooltip: TOOLTIP,
    reduceOptions: REDUCE,
    legend: { ...LEGEND, placement: 'right', values: ['percent'] },
    orientation: 'auto',
  },
};

/** A Grafana dashboard (schemaVersion 39) laid out as rows of panels, two per line. */
export function dashboard(rows: readonly RowSpec[] = ROWS): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      panels: [],
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      panels.push({
        id: id++,
        type: panel.type,
        title: panel.title,
        description: panel.description,
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: y + Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: OPTIONS[panel.type],
        targets: panel.targets.map((t, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: DATASOURCE,
          expr: t.expr,
          legendFormat: t.legend,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  return {
    uid: 'synthcall-overview',
    title: 'synthcall',
    tags: ['synthcall', 'kafka'],
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          type: 'datasource',
          query: 'prometheus',
          label: 'Prometheus',
          // Grafana's "default" datasource, until a viewer picks another.
          current: { text: 'default', value: 'default' },
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

export function renderDashboard(rows: readonly RowSpec[] = ROWS): string {
  return `${JSON.stringify(dashboard(rows), null, 2)}\n`;
}
