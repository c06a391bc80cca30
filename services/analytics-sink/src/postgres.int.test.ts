import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryEventBus } from '@synthcall/event-bus';
import { ServiceProcess } from '@synthcall/ops-server/testing';
import { exampleEvents, type GroundTruthRecorded } from '@synthcall/schemas';
import { createTestDatabase, startTestPostgres, type TestPostgres } from '@synthcall/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DatasetDatabaseError,
  MIGRATIONS_TABLE,
  migrate,
  PostgresDatasetStore,
} from './adapters/postgres-dataset-store.js';
import type { DatabaseRetryOptions } from './database-retry-queue.js';
import { DatasetSink } from './dataset-sink.js';
import type { Labels, Transcript } from './domain/dataset.js';
import { callEvents, publishCall } from './testing/call-events.js';

// A real PostgreSQL: DATABASE_URL's server, else a throwaway cluster of Debian's postgresql package (packages/testing).
let server: TestPostgres;
const cleanups: Array<() => Promise<void>> = [];
const quiet = { info() {}, warn() {}, error() {} };
const TABLES = ['runs', 'calls', 'turns', 'labels', 'spoken_pii', 'recordings', 'intelligence'] as const;

beforeAll(async () => {
  server = await startTestPostgres({ log: (line) => console.log(`[postgres] ${line}`) });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function freshDatabase() {
  const db = await createTestDatabase(server.url);
  const client = new pg.Client({ connectionString: db.url });
  // One test drops its database under this client: the server then ends the session, which must not crash the run.
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(async () => {
    await client.end();
    await db.drop();
  });
  return { ...db, client };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sink-pg-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(url: string) {
  const store = await PostgresDatasetStore.open({ url, logger: quiet });
  cleanups.push(() => store.close());
  return store;
}

async function counts(client: pg.Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(rows[0]?.n);
  }
  return out;
}

/** PII a call's customer turns disclose: varies per call. */
const piiOf = (callId: string) => {
  const n = Number(callId.slice(-1));
  return Array.from({ length: n % 3 }, (_, i) => ({
    type: i === 0 ? 'email' : 'phone_number',
    value: i === 0 ? `caller${n}@example.com` : `+1555010${n}${i}`,
    turn: 1 + 2 * i,
  }));
};

const lineOf = (callId: string, turn: number) => {
  const pii = piiOf(callId).find((p) => p.turn === turn);
  return `${callId} line ${turn}${pii ? `: ${pii.value}` : ''}`;
};

/** The ground truth the engine would record: varies per call, with PII at its offsets in the customer's lines. */
type Truth = Pick<
  GroundTruthRecorded,
  'intendedOutcome' | 'demeanorTrajectory' | 'pii' | 'provider' | 'model'
>;

function truthOf(callId: string): Truth & { demeanor: string } {
  const n = Number(callId.slice(-1));
  return {
    provider: 'openai',
    model: `model-${n}`,
    intendedOutcome: n % 2 === 0 ? 'resolved' : 'escalated',
    demeanor: n % 3 === 0 ? 'angry' : 'calm',
    demeanorTrajectory: [
      { turn: 1, demeanor: n % 3 === 0 ? 'angry' : 'calm' },
      { turn: 3, demeanor: 'relieved' },
    ],
    pii: piiOf(callId).map((p) => {
      const start = lineOf(callId, p.turn).indexOf(p.value);
      return { ...p, start, end: start + p.value.length };
    }),
  };
}

/** Every event of one call as the topics carry it, with its ground truth, a recording and Voice Intelligence results. */
async function playCall(bus: MemoryEventBus, callId: string, turns: number) {
  const start = Date.parse('2026-01-05T09:00:00Z');
  const { demeanor: _, ...truth } = truthOf(callId);
  const events = callEvents(callId, {
    turns,
    started: { occurredAt: new Date(start) },
    reply: (turn) => ({ text: lineOf(callId, turn), fallback: turn === 2 }),
    heard: (turn) => ({ text: `${callId} heard ${turn}`, confidence: 0.5 + turn / 100 }),
    conferenceEnded: { occurredAt: new Date(start + turns * 4_500) },
    groundTruth: truth,
  });
  events.groundTruth.turns = events.groundTruth.turns.map((t) => ({
    ...t,
    realizedBy: t.turn === 2 ? 'fallback' : 'model',
    move: t.turn === 0 ? 'greet' : 'step',
  }));
  await publishCall(bus, events);
  await bus.idle();
}

async function startSink(o: {
  bus: MemoryEventBus;
  dir: string;
  url?: string;
  group?: string;
  runId: string;
  /** Backoff of the sink's PostgreSQL retries (DatasetSinkOptions.databaseRetry). */
  retry?: DatabaseRetryOptions;
}) {
  const database = o.url ? await open(o.url) : undefined;
  const errors: Array<Record<string, unknown>> = [];
  const infos: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
  const sink = new DatasetSink({
    bus: o.bus,
    dir: o.dir,
    group: o.group ?? 'analytics-sink',
    logger: {
      ...quiet,
      info: (obj: object, msg?: string) => infos.push({ obj: obj as Record<string, unknown>, msg }),
      error: (obj: object) => errors.push(obj as Record<string, unknown>),
    },
    settleMs: 0,
    runId: o.runId,
    ...(database ? { database } : {}),
    ...(o.retry ? { databaseRetry: o.retry } : {}),
  });
  await sink.start();
  cleanups.push(() => sink.close());
  return { sink, errors, infos };
}

const CALLS = ['call-1', 'call-2', 'call-3', 'call-4', 'call-5'];
const TURNS = [4, 5, 6, 7, 8];

async function playAll(bus: MemoryEventBus, sink: DatasetSink) {
  for (const [i, callId] of CALLS.entries()) await playCall(bus, callId, TURNS[i] ?? 4);
  // settleMs 0 schedules each write on a timer; flush writes them now.
  await new Promise((r) => setTimeout(r, 20));
  await sink.flush();
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe('PostgreSQL output of the dataset (real PostgreSQL)', () => {
  it('applies the migrations to an empty database, and a second run applies none', async () => {
    const { url, client } = await freshDatabase();
    const first = await migrate(client, quiet);
    expect(first).toEqual(['0001_dataset-tables', '0002_ground-truth-columns']);
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(rows.map((r) => r.table_name)).toEqual([...TABLES, MIGRATIONS_TABLE].sort());

    expect(await migrate(client, quiet)).toEqual([]);
    // Opening a store migrates too: still nothing to apply, and the bookkeeping has one row.
    await open(url);
    const applied = await client.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    expect(applied.rows).toEqual([{ name: '0001_dataset-tables' }, { name: '0002_ground-truth-columns' }]);
  });

  it('lets two replicas start at once on an empty database: one migrates, the other waits for its lock', async () => {
    const { url, client } = await freshDatabase();
    await Promise.all([open(url), open(url)]);
    const applied = await client.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    expect(applied.rows).toHaveLength(2);
  });

  it('writes every call of the sink with the row counts and values of its files, ground truth included', async () => {
    const { url, client } = await freshDatabase();
    const dir = await tempDir();
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const { sink, errors } = await startSink({ bus, dir, url, runId: 'run-a' });
    await playAll(bus, sink);
    expect(errors).toEqual([]);

    const turns = TURNS.reduce((a, b) => a + b, 0);
    const pii = CALLS.reduce((n, id) => n + truthOf(id).pii.length, 0);
    expect(pii).toBeGreaterThan(0);
    expect(await counts(client)).toEqual({
      runs: 1,
      calls: CALLS.length,
      turns,
      labels: CALLS.length,
      spoken_pii: pii,
      recordings: CALLS.length,
      intelligence: CALLS.length,
    });

    // The rows say what the files say: labels and transcripts as written by the same sink.
    for (const callId of CALLS) {
      const labels = await readJson<Labels>(join(dir, 'labels', `${callId}.json`));
      const { rows: labelRows } = await client.query(
        'SELECT intended_outcome, demeanor, demeanor_trajectory, source, industry, provider, model, dropped_pii FROM labels WHERE call_id = $1',
        [callId],
      );
      expect(labelRows).toEqual([
        {
          intended_outcome: truthOf(callId).intendedOutcome,
          demeanor: truthOf(callId).demeanor,
          demeanor_trajectory: truthOf(callId).demeanorTrajectory,
          source: 'provider',
          industry: labels.scenario.industry,
          provider: 'openai',
          model: labels.model,
          dropped_pii: 0,
        },
      ]);
      expect(labels.model).toBe(truthOf(callId).model);
      const { rows: piiRows } = await client.query(
        'SELECT pii_type AS type, value, turn, start_offset AS start, end_offset AS "end" FROM spoken_pii WHERE call_id = $1 ORDER BY turn',
        [callId],
      );
      expect(piiRows).toEqual(labels.spokenPii);

      const transcript = await readJson<Transcript>(join(dir, 'transcripts', `${callId}.json`));
      const { rows: turnRows } = await client.query(
        'SELECT turn, role, said, heard, confidence, fallback, realized_by, move FROM turns WHERE call_id = $1 ORDER BY turn',
        [callId],
      );
      expect(turnRows).toEqual(
        transcript.turns.map(({ turn, role, said, heard, confidence, fallback, realizedBy, move }) => ({
          turn,
          role,
          said,
          heard,
          confidence,
          fallback,
          realized_by: realizedBy,
          move,
        })),
      );
      expect(turnRows.map((t) => t.realized_by)).toEqual(
        transcript.turns.map((t) => (t.turn === 2 ? 'fallback' : 'model')),
      );
    }
    const { rows: callRows } = await client.query(
      'SELECT call_id, run_id, turn_count, fallback_turns, outcome, duration_sec, synthetic FROM calls ORDER BY call_id',
    );
    const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(callRows).toEqual(
      lines.map((r) => ({
        call_id: r.callId,
        run_id: 'run-a',
        turn_count: r.turnCount,
        fallback_turns: r.fallbackTurns,
        outcome: r.outcome,
        duration_sec: r.durationSec,
        synthetic: true,
      })),
    );
    const { rows: runRows } = await client.query("SELECT source, counts FROM runs WHERE run_id = 'run-a'");
    expect(runRows).toEqual([
      { source: 'analytics-sink', counts: expect.objectContaining({ calls: CALLS.length, turns }) },
    ]);
  });

  it('adds no rows when every event is delivered again to a sink that lost its files', async () => {
    const { url, client } = await freshDatabase();
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const first = await startSink({ bus, dir: await tempDir(), url, runId: 'run-1' });
    await playAll(bus, first.sink);
    const before = await counts(client);
    const turnsBefore = await client.query('SELECT * FROM turns ORDER BY call_id, turn');

    // A restarted replica without the dataset folder: its new groups read every topic from the beginning.
    const second = await startSink({ bus, dir: await tempDir(), url, group: 'replica-2', runId: 'run-2' });
    await bus.idle();
    await new Promise((r) => setTimeout(r, 20));
    await second.sink.flush();
    expect(second.sink.writtenCalls).toBe(CALLS.length);
    expect(second.errors).toEqual([]);

    expect(await counts(client)).toEqual({ ...before, runs: 2 });
    expect((await client.query('SELECT * FROM turns ORDER BY call_id, turn')).rows).toEqual(turnsBefore.rows);
    const { rows } = await client.query<{ run_id: string }>('SELECT DISTINCT run_id FROM calls');
    expect(rows).toEqual([{ run_id: 'run-2' }]);
  });

  it('rewrites a call to exactly its new rows when written again with fewer turns', async () => {
    const { url, client } = await freshDatabase();
    const store = await open(url);
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const { sink } = await startSink({ bus, dir: await tempDir(), url, runId: 'run-s' });
    await playAll(bus, sink);
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM turns WHERE call_id = 'call-5'",
    );
    expect(Number(rows[0]?.n)).toBe(8);

    const d = await import('./domain/dataset.js');
    const builder = new d.DatasetBuilder();
    const ev = exampleEvents('call-5');
    builder.onPlanned(ev.CallPlanned);
    builder.onReply({ ...ev.ReplyReady, turn: 0, text: 'only line' }, true);
    const { callRowsOf } = await import('./domain/dataset-rows.js');
    await store.writeCall(
      callRowsOf(
        {
          record: builder.record('call-5'),
          transcript: builder.transcript('call-5'),
          labels: builder.labels('call-5'),
          recording: null,
          intelligence: null,
        },
        { runId: 'run-s' },
      ),
    );
    const after = await client.query("SELECT turn, said FROM turns WHERE call_id = 'call-5'");
    expect(after.rows).toEqual([{ turn: 0, said: 'only line' }]);
    expect(
      (await client.query("SELECT count(*)::int AS n FROM spoken_pii WHERE call_id = 'call-5'")).rows,
    ).toEqual([{ n: 0 }]);
  });

  it('fails to open an unreachable database with a coded error that hides the password', async () => {
    const port = await closedPort();
    const error = await PostgresDatasetStore.open({
      url: `postgres://synthcall:s3cret@127.0.0.1:${port}/synthcall`,
      logger: quiet,
      connectTimeoutMs: 2_000,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DatasetDatabaseError);
    expect(error).toMatchObject({ code: 'SYNTH_DATABASE_UNREACHABLE' });
    expect((error as Error).message).toContain(
      `postgres://synthcall:***@127.0.0.1:${port}/synthcall (DATABASE_URL)`,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('keeps writing every call’s files when the database goes away for good, logging each call’s failed write once', async () => {
    const { url, name } = await freshDatabase();
    const dir = await tempDir();
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const { sink, errors } = await startSink({ bus, dir, url, runId: 'run-gone' });
    await playCall(bus, 'call-1', 4);
    await new Promise((r) => setTimeout(r, 20));
    await sink.flush();
    expect(errors).toEqual([]);

    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();

    await playCall(bus, 'call-2', 4);
    await playCall(bus, 'call-3', 4);
    await new Promise((r) => setTimeout(r, 20));
    await sink.flush();

    const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).callId)).toEqual(['call-1', 'call-2', 'call-3']);
    expect(errors.map((e) => [e.callId, e.code])).toEqual([
      ['call-2', 'SYNTH_DATABASE_UNREACHABLE'],
      ['call-3', 'SYNTH_DATABASE_UNREACHABLE'],
    ]);
  });

  it('writes every call once the database accepts connections again after refusing them mid-run, without duplicates', async () => {
    const { url, name, client } = await freshDatabase();
    const dir = await tempDir();
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const { sink, errors, infos } = await startSink({
      bus,
      dir,
      url,
      runId: 'run-outage',
      retry: { initialDelayMs: 100, maxDelayMs: 400 },
    });
    const finish = async (callId: string, turns: number) => {
      await playCall(bus, callId, turns);
      await new Promise((r) => setTimeout(r, 20));
      await sink.flush();
    };
    await finish('call-1', TURNS[0] ?? 4);
    expect(errors).toEqual([]);

    // The outage: the database refuses new connections (even a superuser's) and its sessions are cut, the pool's
    // included; only this test's observer session stays.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    });
    const observer = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
      [name, observer],
    );

    for (const [i, callId] of CALLS.entries()) if (i > 0) await finish(callId, TURNS[i] ?? 4);
    // Every call's first write fails (waited for: a refused connection takes longer on a busy machine); then the
    // backoff retries (and fails) a few more times while the database is away.
    await vi.waitFor(() => expect(errors.map((e) => e.callId)).toEqual(CALLS.slice(1)), {
      timeout: 15_000,
      interval: 50,
    });
    await new Promise((r) => setTimeout(r, 600));
    const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).callId)).toEqual(CALLS);
    expect((await counts(client)).calls).toBe(1);
    // One error per call, however many retries failed.
    expect(errors.map((e) => e.callId)).toEqual(CALLS.slice(1));
    // Refused connections, or a pooled one whose session was ended before the pool noticed: that first query fails as
    // a write on a cut session (postgres-connection-loss.int.test.ts), which one depends on timing under load.
    expect(
      errors.every(
        (e) => e.code === 'SYNTH_DATABASE_UNREACHABLE' || e.code === 'SYNTH_DATABASE_WRITE_FAILED',
      ),
    ).toBe(true);

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    // The backoff is at most 400 ms here: the rows come with the next retry after the database is back.
    await vi.waitFor(async () => expect((await counts(client)).calls).toBe(CALLS.length), {
      timeout: 15_000,
      interval: 50,
    });
    await sink.flush();
    expect(sink.databasePending).toBe(0);

    const turns = TURNS.reduce((a, b) => a + b, 0);
    expect(await counts(client)).toEqual({
      runs: 1,
      calls: CALLS.length,
      turns,
      labels: CALLS.length,
      spoken_pii: CALLS.reduce((n, id) => n + truthOf(id).pii.length, 0),
      recordings: CALLS.length,
      intelligence: CALLS.length,
    });
    const { rows: perCall } = await client.query<{ call_id: string; n: number }>(
      'SELECT call_id, count(*)::int AS n FROM turns GROUP BY call_id ORDER BY call_id',
    );
    expect(perCall).toEqual(CALLS.map((callId, i) => ({ call_id: callId, n: TURNS[i] })));
    const { rows: runRows } = await client.query("SELECT counts FROM runs WHERE run_id = 'run-outage'");
    expect(runRows).toEqual([{ counts: expect.objectContaining({ calls: CALLS.length, turns }) }]);
    expect(
      infos
        .filter((l) => l.msg === 'call written to PostgreSQL after its write failed')
        .map((l) => l.obj.callId),
    ).toEqual(CALLS.slice(1));
    expect(errors).toHaveLength(CALLS.length - 1);
  });

  it('stops the service at start-up, exit 1, with the code and the variable when DATABASE_URL is unreachable', async () => {
    const port = await closedPort();
    const dir = await tempDir();
    const proc = new ServiceProcess({
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        DATASET_DIR: dir,
        OPS_PORT: '0',
        DATABASE_URL: `postgres://sink:pw-xyz@127.0.0.1:${port}/synthcall`,
      },
    });
    cleanups.push(async () => proc.kill());
    expect(await proc.waitForExit(30_000)).toEqual({ code: 1, signal: null });
    expect(proc.stderr).toMatch(
      /SYNTH_DATABASE_UNREACHABLE: cannot connect to PostgreSQL at .*\(DATABASE_URL\)/,
    );
    expect(proc.stderr).not.toContain('pw-xyz');
  }, 40_000);
});

/** A 127.0.0.1 port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}
