import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, startTestPostgres, type TestPostgres } from '@synthcall/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generate } from './embedded.js';
import { testGenerateOptions } from './testing/generate-options.js';

// `synthcall generate --database-url` against a real PostgreSQL (DATABASE_URL's server, else a throwaway cluster).
let server: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startTestPostgres({ log: (line) => console.log(`[postgres] ${line}`) });
}, 60_000);

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  await server?.stop();
});

async function options(overrides: Partial<GenerateOptions>): Promise<GenerateOptions> {
  const out = await mkdtemp(join(tmpdir(), 'synthcall-gen-pg-'));
  dirs.push(out);
  return testGenerateOptions(out, {
    calls: 8,
    seed: 'pg-test',
    strategy: 'coverage',
    concurrency: 4,
    ...overrides,
  });
}

interface LabelsFile {
  callId: string;
  intendedOutcome: string;
  demeanor: string;
  source: string;
  spokenPii: Array<{ type: string; value: string; turn: number; start: number; end: number }>;
}

describe('synthcall generate with a database URL (real PostgreSQL)', () => {
  it('writes the run, every call and its scripted ground truth, equal to the files', async () => {
    const db = await createTestDatabase(server.url);
    const client = new pg.Client({ connectionString: db.url });
    try {
      const o = await options({ databaseUrl: db.url });
      const summary = await generate(o);
      expect(summary.database?.calls).toBe(8);
      await client.connect();

      const lines = (await readFile(join(o.out, 'calls.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { callId: string; turnCount: number; endReason: string });
      const { rows: calls } = await client.query(
        'SELECT call_id, turn_count, end_reason FROM calls ORDER BY call_id',
      );
      expect(calls).toEqual(
        lines.map((l) => ({ call_id: l.callId, turn_count: l.turnCount, end_reason: l.endReason })),
      );
      const { rows: turns } = await client.query('SELECT count(*)::int AS n FROM turns');
      expect(turns).toEqual([{ n: summary.turns }]);

      let spoken = 0;
      for (const file of await readdir(join(o.out, 'labels'))) {
        const labels = JSON.parse(await readFile(join(o.out, 'labels', file), 'utf8')) as LabelsFile;
        spoken += labels.spokenPii.length;
        const { rows } = await client.query(
          'SELECT intended_outcome, demeanor, source FROM labels WHERE call_id = $1',
          [labels.callId],
        );
        expect(rows).toEqual([
          { intended_outcome: labels.intendedOutcome, demeanor: labels.demeanor, source: labels.source },
        ]);
        const { rows: pii } = await client.query(
          `SELECT pii_type AS type, value, turn, start_offset AS start, end_offset AS "end" FROM spoken_pii
           WHERE call_id = $1 ORDER BY turn, start_offset, end_offset, pii_type`,
          [labels.callId],
        );
        type Pii = LabelsFile['spokenPii'][number];
        const byPosition = (a: Pii, b: Pii) =>
          a.turn - b.turn ||
          a.start - b.start ||
          a.end - b.end ||
          (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
        expect(pii).toEqual([...labels.spokenPii].sort(byPosition));
      }
      // The scripted provider speaks PII in these calls, so the comparison above covered rows, not only emptiness.
      expect(spoken).toBeGreaterThan(0);
      const { rows: runs } = await client.query('SELECT source, seed, counts FROM runs');
      expect(runs).toEqual([
        { source: 'synthcall generate', seed: 'pg-test', counts: expect.objectContaining({ calls: 8 }) },
      ]);
      const { rows: vi } = await client.query('SELECT count(*)::int AS n FROM intelligence');
      expect(vi).toEqual([{ n: 8 }]);
    } finally {
      await client.end().catch(() => undefined);
      await db.drop();
    }
  }, 180_000);

  it('stops before the first call with SYNTH_DATABASE_UNREACHABLE when the database cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const o = await options({ databaseUrl: `postgres://synthcall:pw@127.0.0.1:${port}/synthcall` });
    await expect(generate(o)).rejects.toMatchObject({ code: 'SYNTH_DATABASE_UNREACHABLE' });
    expect(await readdir(o.out)).not.toContain('calls.jsonl');
  }, 60_000);
});
