import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a call's PostgreSQL write was given up: the retry queue was full, or the database refused its rows. */
export type DatabaseDropReason = 'queue_full' | 'rejected';

/** What the PostgreSQL retry queue reports; narrow so the sink never sees prom-client. */
export interface DatabaseWriteMetrics {
  /** Calls whose write failed and waits for a retry. */
  pending(count: number): void;
  retried(outcome: 'ok' | 'failed'): void;
  dropped(reason: DatabaseDropReason): void;
}

export const noopDatabaseWriteMetrics: DatabaseWriteMetrics = {
  pending() {},
  retried() {},
  dropped() {},
};

const RETRY_OUTCOMES = ['ok', 'failed'] as const;
const DROP_REASONS: readonly DatabaseDropReason[] = ['queue_full', 'rejected'];

// Reuse what is already registered: in embedded mode several components may share one registry.
function get<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createDatabaseWriteMetrics(registry: Registry): DatabaseWriteMetrics {
  const registers = [registry];
  const pending = get(
    registry,
    'synthcall_database_writes_pending',
    () =>
      new Gauge({
        name: 'synthcall_database_writes_pending',
        help: 'Calls whose PostgreSQL write failed and waits for a retry (their dataset files are written).',
        registers,
      }),
  );
  const retries = get(
    registry,
    'synthcall_database_write_retries_total',
    () =>
      new Counter({
        name: 'synthcall_database_write_retries_total',
        help: 'Retried PostgreSQL call writes, by outcome (ok, failed).',
        labelNames: ['outcome'],
        registers,
      }),
  );
  const dropped = get(
    registry,
    'synthcall_database_writes_dropped_total',
    () =>
      new Counter({
        name: 'synthcall_database_writes_dropped_total',
        help: 'Calls whose PostgreSQL write was given up: queue_full (retry queue at its bound), rejected (the database refused the rows).',
        labelNames: ['reason'],
        registers,
      }),
  );
  // Exported at zero from start, so a healthy sink reads 0 instead of "no data" (a label-less gauge already is).
  for (const outcome of RETRY_OUTCOMES) retries.inc({ outcome }, 0);
  for (const reason of DROP_REASONS) dropped.inc({ reason }, 0);
  return {
    pending: (count) => pending.set(count),
    retried: (outcome) => retries.inc({ outcome }),
    dropped: (reason) => dropped.inc({ reason }),
  };
}
