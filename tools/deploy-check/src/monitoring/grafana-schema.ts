import { join } from 'node:path';
import { REPO_ROOT } from '../k8s/manifests.js';
import { runChecker } from '../tools/go-checker.js';

/** Built by install-tools.sh from tools/deploy-check/grafana-check (Grafana's foundation SDK, pinned in go.mod). */
export const GRAFANA_CHECK_BIN = join(REPO_ROOT, 'tools/deploy-check/.bin/grafana-dashboard-check');

/** The error `checkDashboardSchema` throws when the checker is missing or fails. */
export { CheckerError as GrafanaSchemaError } from '../tools/go-checker.js';

export interface SchemaResult {
  valid: boolean;
  /** One line per problem, "<field path>: <message>" (e.g. `panels[1].gridPos: json: cannot unmarshal …`). */
  problems: string[];
}

/**
 * Decodes a dashboard JSON file strictly with the dashboard types Grafana's foundation SDK generates from Grafana's
 * schema: unknown fields, wrong types and missing required fields are problems.
 */
export async function checkDashboardSchema(file: string): Promise<SchemaResult> {
  const outcome = await runChecker(GRAFANA_CHECK_BIN, 'GRAFANA_CHECK', [file]);
  if (outcome.ok) return { valid: true, problems: [] };
  const prefix = `${file}: `;
  return {
    valid: false,
    problems: outcome.problems.map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line)),
  };
}
