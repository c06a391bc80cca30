import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { SinkLogger } from '../dataset-sink.js';
import type { DatasetBuilder } from '../domain/dataset.js';
import { type CallRows, callRowsOf, type Row, type RunInfo, runRowOf } from '../domain/dataset-rows.js';
import type { RunManifest } from './dataset-writer.js';
import { deleteStaleStatement, type Statement, TABLES, upsertStatement } from './postgres-sql.js';

/** migrations/ of this package, from src/adapters or dist/adapters alike (the image ships it: package.json files). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
/** node-pg-migrate's bookkeeping table: one row per applied migration file. */
export const MIGRATIONS_TABLE = 'pgmigrations';

export type DatabaseErrorCode =
  | 'SYNTH_DATABASE_UNREACHABLE'
  | 'SYNTH_DATABASE_MIGRATION_FAILED'
  | 'SYNTH_DATABASE_WRITE_FAILED';

/**
 * SQLSTATE classes of errors about the rows themselves (22 data exception, 23 integrity constraint violation): the
 * same rows fail the same way on every retry. Anything else (a cut connection, a server shutting down, a deadlock) may
 * pass later.
 */
const REJECTED_ROWS_SQLSTATE = /^2[23]/;

export class DatasetDatabaseError extends Error {
  override readonly name = 'DatasetDatabaseError';
  /** Whether the same write may succeed later; false when the database refused the rows themselves. */
  readonly retryable: boolean;
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    const sqlState = (options?.cause as { code?: unknown } | undefined)?.code;
    this.retryable =
      code !== 'SYNTH_DATABASE_MIGRATION_FAILED' &&
      !(typeof sqlState === 'string' && REJECTED_ROWS_SQLSTATE.test(sqlState));
  }
}

/** The URL with its password replaced, for messages and logs: DATABASE_URL is a secret. */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return '(an unparseable URL)';
  const u = new URL(url);
  if (u.password) u.password = '***';
  u.searchParams.delete('password');
  return u.toString();
}

export interface PostgresDatasetStoreOptions {
  url: string;
  logger: SinkLogger;
  /** Longest a connection attempt may take; an unreachable host fails after this instead of the OS's minutes. */
  connectTimeoutMs?: number;
  /** Where the URL came from, named in errors (`DATABASE_URL`, `--database-url`). */
  source?: string;
}

/**
 * Writes the dataset into the tables of migrations/*.sql. Every write is an upsert by the table's key inside one
 * transaction per call, so a redelivered event or a rerun with the same seed rewrites rows instead of adding any.
 */
export class PostgresDatasetStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly o: PostgresDatasetStoreOptions,
  ) {}

  /** Connects and applies the migrations that are not applied yet; fails with a coded error naming the source. */
  static async open(o: PostgresDatasetStoreOptions): Promise<PostgresDatasetStore> {
    const where = `${redactDatabaseUrl(o.url)} (${o.source ?? 'DATABASE_URL'})`;
    const pool = new pg.Pool({
      connectionString: o.url,
      connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
      max: 4,
    });
    // An idle connection the server drops (restart, failover) emits here; without a listener it kills the process.
    pool.on('error', (err) => o.logger.warn({ err }, 'an idle PostgreSQL connection failed'));
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      await pool.end().catch(() => undefined);
      throw new DatasetDatabaseError(
        'SYNTH_DATABASE_UNREACHABLE',
        `cannot connect to PostgreSQL at ${where}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const stopWatching = watchCheckedOut(client, o.logger);
    try {
      await migrate(client, o.logger);
    } catch (cause) {
      stopWatching();
      client.release(cause as Error);
      await pool.end().catch(() => undefined);
      throw new DatasetDatabaseError(
        'SYNTH_DATABASE_MIGRATION_FAILED',
        `applying the migrations of ${MIGRATIONS_DIR} to ${where} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    stopWatching();
    client.release();
    return new PostgresDatasetStore(pool, o);
  }

  /** Inserts or updates the run's row (manifest.json): counts and times change as calls are written. */
  async writeRun(run: RunInfo): Promise<void> {
    await this.transaction(`run ${run.runId}`, [upsertStatement(TABLES.runs, [runRowOf(run)])]);
  }

  /** One call, all its tables, in one transaction; `run` (when given) is updated in the same transaction. */
  async writeCall(rows: CallRows, run?: RunInfo): Promise<void> {
    const statements: Statement[] = [];
    if (run) statements.push(upsertStatement(TABLES.runs, [runRowOf(run)]));
    statements.push(upsertStatement(TABLES.calls, [rows.call]));
    statements.push(...childSet(TABLES.turns, rows.callId, rows.turns));
    statements.push(upsertStatement(TABLES.labels, [rows.labels]));
    statements.push(...childSet(TABLES.spokenPii, rows.callId, rows.spokenPii));
    if (rows.recording) statements.push(upsertStatement(TABLES.recordings, [rows.recording]));
    if (rows.intelligence) statements.push(upsertStatement(TABLES.intelligence, [rows.intelligence]));
    await this.transaction(`call ${rows.callId}`, statements);
  }

  /** Voice Intelligence results that came after their call was written (the call's row must exist). */
  async writeIntelligence(intelligence: Row, recording: Row | null): Promise<void> {
    const statements = [upsertStatement(TABLES.intelligence, [intelligence])];
    if (recording) statements.unshift(upsertStatement(TABLES.recordings, [recording]));
    await this.transaction(`intelligence of call ${String(intelligence.call_id)}`, statements);
  }

  /**
   * A whole `synthcall generate` run: its runs row (from manifest.json), then each call in its own transaction, in
   * callId order. `recordingFile` names a call's WAV in the dataset folder when the run wrote audio.
   */
  async writeDataset(
    dataset: DatasetBuilder,
    manifest: RunManifest,
    recordingFile?: (callId: string) => string | null,
  ): Promise<number> {
    await this.writeRun({
      runId: manifest.runId,
      source: 'synthcall generate',
      seed: manifest.seed,
      config: manifest.config,
      versions: manifest.versions,
      personas: manifest.personas,
      counts: manifest.counts,
      startedAt: manifest.startedAt,
      updatedAt: manifest.finishedAt,
      finishedAt: manifest.finishedAt,
    });
    const ids = dataset.callIds();
    for (const callId of ids) {
      await this.writeCall(
        callRowsOf(
          {
            record: dataset.record(callId),
            transcript: dataset.transcript(callId),
            labels: dataset.labels(callId),
            recording: dataset.recordingOf(callId),
            intelligence: dataset.intelligence(callId),
          },
          { runId: manifest.runId, recordingFile: recordingFile?.(callId) ?? null },
        ),
      );
    }
    return ids.length;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction(what: string, statements: Statement[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (cause) {
      throw new DatasetDatabaseError(
        'SYNTH_DATABASE_UNREACHABLE',
        `writing ${what}: cannot connect to PostgreSQL at ${redactDatabaseUrl(this.o.url)}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const stopWatching = watchCheckedOut(client, this.o.logger);
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      for (const s of statements) await client.query(s.text, s.values);
      await client.query('COMMIT');
    } catch (cause) {
      failed = cause as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw new DatasetDatabaseError(
        'SYNTH_DATABASE_WRITE_FAILED',
        `writing ${what} to PostgreSQL failed: ${(cause as Error).message}`,
        { cause },
      );
    } finally {
      stopWatching();
      // Released with the error, the pool discards the connection instead of handing a broken one to the next write.
      client.release(failed);
    }
  }
}

/**
 * Listens for 'error' on a connection taken from the pool until the returned function is called. The pool listens
 * only on idle connections; a server that ends a session in use (restart, failover, pg_terminate_backend) makes the
 * client emit 'error' besides failing its query, and an 'error' nobody listens to kills the process. The failed query
 * carries the error to the caller (and the sink's retry queue); this only logs it.
 */
function watchCheckedOut(client: pg.PoolClient, logger: SinkLogger): () => void {
  const onError = (err: Error) => logger.warn({ err }, 'a PostgreSQL connection in use failed');
  client.on('error', onError);
  return () => client.off('error', onError);
}

/** The call's rows of a child table become exactly `rows`: upsert them, delete the others. */
function childSet(table: (typeof TABLES)[keyof typeof TABLES], callId: string, rows: Row[]): Statement[] {
  const statements = [deleteStaleStatement(table, callId, rows)];
  if (rows.length > 0) statements.push(upsertStatement(table, rows));
  return statements;
}

/**
 * Applies migrations/*.sql with node-pg-migrate. Its advisory lock in `wait` mode makes a second replica starting at
 * the same time wait for the first instead of failing or applying a file twice.
 */
export async function migrate(client: pg.ClientBase, logger: SinkLogger): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    advisoryLockMode: 'wait',
    checkOrder: true,
    logger: {
      info: () => undefined,
      warn: (msg) => logger.warn({ migrations: MIGRATIONS_DIR }, msg),
      error: (msg) => logger.error({ migrations: MIGRATIONS_DIR }, msg),
    },
  });
  if (applied.length > 0) {
    logger.info({ applied: applied.map((m) => m.name) }, 'PostgreSQL migrations applied');
  }
  return applied.map((m) => m.name);
}
