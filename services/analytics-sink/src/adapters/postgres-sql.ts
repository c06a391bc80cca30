import type { Row } from '../domain/dataset-rows.js';

/** A table of migrations/*.sql: its key columns (with their types, for unnest) and the rest. */
export interface TableSpec {
  name: string;
  key: ReadonlyArray<{ column: string; type: 'text' | 'int' }>;
  columns: readonly string[];
}

const spec = (name: string, key: TableSpec['key'], columns: readonly string[]): TableSpec => ({
  name,
  key,
  columns,
});

export const TABLES = {
  runs: spec(
    'runs',
    [{ column: 'run_id', type: 'text' }],
    [
      'source',
      'seed',
      'config',
      'versions',
      'personas',
      'counts',
      'started_at',
      'updated_at',
      'finished_at',
      'synthetic',
    ],
  ),
  calls: spec(
    'calls',
    [{ column: 'call_id', type: 'text' }],
    [
      'run_id',
      'request_id',
      'customer_id',
      'agent_id',
      'strategy',
      'pairing_score',
      'expected_outcome',
      'outcome',
      'end_reason',
      'ended_by',
      'turn_count',
      'fallback_turns',
      'started_at',
      'ended_at',
      'duration_sec',
      'synthetic',
    ],
  ),
  turns: spec(
    'turns',
    [
      { column: 'call_id', type: 'text' },
      { column: 'turn', type: 'int' },
    ],
    ['role', 'said', 'heard', 'start_sec', 'end_sec', 'confidence', 'fallback', 'realized_by', 'move'],
  ),
  labels: spec(
    'labels',
    [{ column: 'call_id', type: 'text' }],
    [
      'industry',
      'issue_category',
      'issue_complexity',
      'scenario_summary',
      'intended_outcome',
      'demeanor',
      'demeanor_trajectory',
      'end_reason',
      'ended_by',
      'source',
      'provider',
      'model',
      'dropped_pii',
      'synthetic',
    ],
  ),
  spokenPii: spec(
    'spoken_pii',
    [
      { column: 'call_id', type: 'text' },
      { column: 'turn', type: 'int' },
      { column: 'start_offset', type: 'int' },
      { column: 'end_offset', type: 'int' },
      { column: 'pii_type', type: 'text' },
    ],
    ['value'],
  ),
  recordings: spec(
    'recordings',
    [{ column: 'call_id', type: 'text' }],
    [
      'recording_sid',
      'recording_url',
      'conference_sid',
      'channels',
      'duration_sec',
      'channel_roles',
      'completed_at',
      'file',
    ],
  ),
  intelligence: spec(
    'intelligence',
    [{ column: 'call_id', type: 'text' }],
    [
      'transcript_sid',
      'service_sid',
      'recording_sid',
      'channel_roles',
      'sentences',
      'operator_results',
      'synthetic',
    ],
  ),
} as const satisfies Record<string, TableSpec>;

export interface Statement {
  text: string;
  /** Parameters; arrays go to PostgreSQL as arrays (pg's own conversion). */
  values: unknown[];
}

/**
 * One `INSERT … ON CONFLICT (key) DO UPDATE` for all `rows`: a redelivered call rewrites its rows instead of adding
 * new ones. Every row must carry every column of the table (a missing one is a programming error, thrown here).
 */
export function upsertStatement(table: TableSpec, rows: readonly Row[]): Statement {
  const keys = table.key.map((k) => k.column);
  const columns = [...keys, ...table.columns];
  const values: Statement['values'] = [];
  const tuples = rows.map((row) => {
    const params = columns.map((column) => {
      const value = row[column];
      if (value === undefined) throw new Error(`row of ${table.name} has no ${column}`);
      values.push(value);
      return `$${values.length}`;
    });
    return `(${params.join(', ')})`;
  });
  const updates = table.columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return {
    text:
      `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ` +
      `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates}`,
    values,
  };
}

/**
 * Deletes a call's rows of a child table whose key is not among `rows`: with the upsert, the call's rows become
 * exactly `rows` (a rewrite that has fewer turns or PII than before leaves none behind).
 */
export function deleteStaleStatement(table: TableSpec, callId: string, rows: readonly Row[]): Statement {
  const rest = table.key.filter((k) => k.column !== 'call_id');
  const values: Statement['values'] = [callId];
  const arrays = rest.map((k, i) => {
    // One array parameter per key column; pg sends a JS array as a PostgreSQL array literal.
    values.push(rows.map((row) => row[k.column] ?? null));
    return `$${i + 2}::${k.type}[]`;
  });
  return {
    text:
      `DELETE FROM ${table.name} WHERE call_id = $1 AND (${rest.map((k) => k.column).join(', ')}) ` +
      `NOT IN (SELECT * FROM unnest(${arrays.join(', ')}))`,
    values,
  };
}
