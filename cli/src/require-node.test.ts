import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NODE_MINIMUM, nodeProblem } from '../bin/require-node.js';

describe('the Node version check', () => {
  it('asks for the version the root package.json engines field names', async () => {
    const root = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(root.engines.node).toBe(`>=${NODE_MINIMUM}`);
  });

  it('accepts Node 24 LTS from its minimum on, and newer majors', () => {
    for (const version of ['24.11.0', '24.22.3', '25.0.0', '26.12.1'])
      expect(nodeProblem(version)).toBeUndefined();
  });

  it('stops an older Node with the version it found and what to install', () => {
    for (const version of ['20.20.2', '22.22.0', '24.10.0']) {
      const problem = nodeProblem(version, '/usr/bin/node');
      expect(problem).toContain(`this is Node ${version} (/usr/bin/node)`);
      expect(problem).toContain('Node.js 24 LTS (24.11 or newer)');
      expect(problem).toContain('bash tools/node.sh bin');
    }
  });
});
