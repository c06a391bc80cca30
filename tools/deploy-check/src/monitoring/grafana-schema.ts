import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../k8s/manifests.js';

const run = promisify(execFile);

/** Built by install-tools.sh from tools/deploy-check/grafana-check (Grafana's foundation SDK, pinned in go.mod). */
export const GRAFANA_CHECK_BIN = join(REPO_ROOT, 'tools/deploy-check/.bin/grafana-dashboard-check');

export class GrafanaSchemaError extends Error {
  override readonly name = 'GrafanaSchemaError';
  constructor(
    readonly code: 'SYNTH_DEPLOY_GRAFANA_CHECK_MISSING' | 'SYNTH_DEPLOY_GRAFANA_CHECK_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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
  await access(GRAFANA_CHECK_BIN).catch((cause: unknown) => {
    throw new GrafanaSchemaError(
      'SYNTH_DEPLOY_GRAFANA_CHECK_MISSING',
      `grafana-dashboard-check is not installed at ${GRAFANA_CHECK_BIN}: run tools/deploy-check/install-tools.sh`,
      { cause },
    );
  });
  try {
    await run(GRAFANA_CHECK_BIN, [file]);
    return { valid: true, problems: [] };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    // Exit 1 is "invalid"; anything else (2: unreadable file) is the check itself failing.
    if (e.code !== 1) {
      throw new GrafanaSchemaError(
        'SYNTH_DEPLOY_GRAFANA_CHECK_FAILED',
        `could not check ${file}: ${e.stderr}`,
        {
          cause: error,
        },
      );
    }
    const prefix = `${file}: `;
    const problems = (e.stderr ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line));
    return { valid: false, problems };
  }
}
