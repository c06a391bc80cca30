import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_FILE } from '../generate/dashboard.js';
import { REPO_ROOT } from '../k8s/manifests.js';
import { checkDashboardSchema } from './grafana-schema.js';

let tmp = '';
let checkedIn: { panels: Record<string, unknown>[] } & Record<string, unknown>;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'synthcall-grafana-schema-'));
  checkedIn = JSON.parse(await readFile(join(REPO_ROOT, DASHBOARD_FILE), 'utf8')) as typeof checkedIn;
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The checked-in dashboard with `edit` applied to a copy, written to a file of its own. */
async function variant(name: string, edit: (board: typeof checkedIn) => void): Promise<string> {
  const board = structuredClone(checkedIn);
  edit(board);
  const file = join(tmp, `${name}.json`);
  await writeFile(file, JSON.stringify(board));
  return file;
}

describe("the dashboard against Grafana's dashboard schema (foundation SDK types, strict)", () => {
  it('accepts the checked-in dashboard', async () => {
    expect(await checkDashboardSchema(join(REPO_ROOT, DASHBOARD_FILE))).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('rejects a panel whose gridPos is a string, naming the field', async () => {
    const file = await variant('gridpos-string', (board) => {
      const panel = board.panels[1];
      if (panel) panel.gridPos = 'h=8,w=12';
    });
    const result = await checkDashboardSchema(file);
    expect(result.valid).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^panels\[1\]\.gridPos: .*cannot unmarshal string/);
  });

  it('rejects a field the schema does not declare, naming it', async () => {
    const file = await variant('unknown-field', (board) => {
      const panel = board.panels[2];
      if (panel) panel.queries = [];
    });
    const result = await checkDashboardSchema(file);
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual(["panels[2].Panel: unexpected field 'queries'"]);
  });

  it("rejects panel options its plugin's schema requires but the panel leaves out", async () => {
    const file = await variant('no-legend', (board) => {
      const panel = board.panels[1];
      if (panel) panel.options = { tooltip: { mode: 'multi', sort: 'none' } };
    });
    expect((await checkDashboardSchema(file)).problems).toEqual([
      'panels[1].options.legend: required field is missing from input',
    ]);
  });
});
