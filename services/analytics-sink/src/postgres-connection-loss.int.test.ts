import { createTestDatabase, startTestPostgres, type TestPostgres } from '@synthcall/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatasetStore } from './adapters/postgres-dataset-store.js';
import type { RunInfo } from './domain/dataset-rows.js';

// A real PostgreSQL whose server ends the store's sessions (pg_terminate_backend), as a restart or failover does.
let server: TestPostgres;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  server = await startTestPostgres({ log: (line) => console.log(`[postgres] ${line}`) });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(() => client.end().catch(() => undefined));
  return client;
}

const run = (updatedAt: string): RunInfo => ({
  runId: '00000000-0000-4000-8000-000000000001',
  source: 'analytics-sink',
  seed: null,
  config: {},
  versions: {},
  personas: null,
  counts: { calls: 0 },
  startedAt: '2026-01-05T09:00:00.000Z',
  updatedAt,
  finishedAt: null,
});

describe('PostgreSQL connection loss (real PostgreSQL)', () => {
  it('survives the server ending its session mid-write and while idle: the write fails retryable and is logged, the next one succeeds', async () => {
    const db = await createTestDatabase(server.url);
    cleanups.push(() => db.drop());
    const warnings: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
    const logger = {
      info() {},
      error() {},
      warn: (obj: object, msg?: string) => warnings.push({ obj: obj as Record<string, unknown>, msg }),
    };
    const store = await PostgresDatasetStore.open({ url: db.url, logger });
    cleanups.push(() => store.close());
    const admin = await connected(db.url);

    // A lock held elsewhere keeps the store's write waiting inside its transaction, on a checked-out connection.
    const locker = await connected(db.url);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE');
    const write = store.writeRun(run('2026-01-05T09:01:00.000Z')).then(
      () => null,
      (err: unknown) => err,
    );
    let waiting: number | undefined;
    for (let i = 0; i < 200 && waiting === undefined; i++) {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      waiting = rows[0]?.pid;
      if (waiting === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting).toBeDefined();
    await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
    expect(await write).toMatchObject({ code: 'SYNTH_DATABASE_WRITE_FAILED', retryable: true });
    await locker.query('ROLLBACK');

    // And every idle connection of the store's pool, as a server restart would.
    const { rows: others } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1',
      [(locker as unknown as { processID: number }).processID],
    );
    for (const { pid } of others) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 200));

    await store.writeRun(run('2026-01-05T09:02:00.000Z'));
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs');
    expect(Number(rows[0]?.n)).toBe(1);
    expect(warnings.map((w) => w.msg)).toContain('a PostgreSQL connection in use failed');
  }, 60_000);
});
