import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPersonas } from '@synthcall/personas';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './embedded.js';
import { foreignMarker, INDUSTRY_MARKERS } from './realism.js';
import { readDataset } from './report.js';
import { testGenerateOptions } from './testing/generate-options.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("every call's lines belong to its industry", () => {
  it('names a line of another industry when it sees one (the check below can fail)', () => {
    expect(foreignMarker('Let me reset your router from here.', 'banking')).toBe('router');
    expect(foreignMarker('Let me reset your router from here.', 'telecom')).toBeNull();
  });

  it("says no line of another industry's script in calls of every customer persona, caller's and agent's", async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-industry-'));
    dirs.push(out);
    const customers = defaultPersonas().customers.length;
    // Matched pairing goes through the customer personas in turn: two rounds give every persona two calls.
    const summary = await generate(
      testGenerateOptions(out, {
        calls: 2 * customers,
        seed: 'industry',
        concurrency: 8,
        maxTurns: 60,
        timeoutMs: 600_000,
      }),
    );
    expect(summary.finished).toBe(2 * customers);
    const calls = await readDataset(out);
    expect(new Set(calls.map((c) => c.record.customerId)).size).toBe(customers);
    const industries = new Set(calls.map((c) => c.record.scenario.industry));
    expect([...industries].sort()).toEqual(Object.keys(INDUSTRY_MARKERS).sort());
    const foreign = calls.flatMap((c) =>
      (c.transcript?.turns ?? []).flatMap((t) => {
        const marker = foreignMarker(t.said, c.record.scenario.industry);
        return marker === null
          ? []
          : [`${c.record.callId} (${c.record.scenario.industry}) turn ${t.turn}: "${marker}" in ${t.said}`];
      }),
    );
    expect(calls.every((c) => (c.transcript?.turns.length ?? 0) > 0)).toBe(true);
    expect(foreign).toEqual([]);
  }, 900_000);
});
