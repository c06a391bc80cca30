/**
 * Metric names Strimzi's kafka-exporter (danielqsj/kafka_exporter, deployed by `spec.kafkaExporter`) exports, as
 * listed in Strimzi's strimzi-kafka-exporter.json dashboard: what a panel may query besides the services' own
 * metrics. The real exporter cannot be installed here (the Go module proxy refuses it); the end-to-end check
 * (dashboard-data.int.test.ts) scrapes a stand-in serving these names (testing/kafka-exporter.ts).
 */
export const KAFKA_EXPORTER_METRICS = [
  'kafka_brokers',
  'kafka_topic_partitions',
  'kafka_topic_partition_current_offset',
  'kafka_topic_partition_oldest_offset',
  'kafka_topic_partition_replicas',
  'kafka_topic_partition_in_sync_replica',
  'kafka_topic_partition_under_replicated_partition',
  'kafka_topic_partition_leader_is_preferred',
  'kafka_consumergroup_current_offset',
  'kafka_consumergroup_current_offset_sum',
  'kafka_consumergroup_lag',
  'kafka_consumergroup_lag_sum',
  'kafka_consumergroup_members',
] as const;

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects. Label matchers, grouping clauses, strings, ranges and Grafana
 * variables are removed first; what remains and is not a function call or keyword is a metric name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/**
 * Whether `name` is served, given the metric families the services declare (`# TYPE`): histogram series are
 * `<family>_bucket|_sum|_count`.
 */
export function isExported(name: string, families: ReadonlyMap<string, string>): boolean {
  if ((KAFKA_EXPORTER_METRICS as readonly string[]).includes(name)) return true;
  if (families.has(name)) return true;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
  const family = histogram?.[1] ? families.get(histogram[1]) : undefined;
  return family === 'histogram' || family === 'summary';
}

/** Grafana's interval variables replaced by fixed ranges, so promtool can parse a panel query. */
export function withFixedRanges(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '1m');
}
