import { type DatabaseWriteMetrics, noopDatabaseWriteMetrics } from './database-metrics.js';
import type { DatasetDatabase, Schedule, SinkLogger } from './dataset-sink.js';
import type { CallRows, RunInfo } from './domain/dataset-rows.js';

export const DEFAULT_RETRY_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 60_000;
export const DEFAULT_RETRY_MAX_PENDING = 10_000;
/** Each delay is shortened by up to this share, so replicas that failed together do not retry in step. */
const JITTER = 0.2;

/** How the sink retries a PostgreSQL write that failed (DatasetSinkOptions.databaseRetry). */
export interface DatabaseRetryOptions {
  /** Delay before the first retry; it doubles after each failed retry. Default 1 s. */
  initialDelayMs?: number;
  /** Longest delay between two retries. Default 60 s. */
  maxDelayMs?: number;
  /** Calls held for a retry at most; one failing beyond that is dropped (logged, counted). Default 10,000. */
  maxPending?: number;
  /** A number in [0, 1) for the jitter; injected so a test knows every delay. */
  random?: () => number;
  /** Timers of the retries and of the shutdown flush's timeout; the sink's schedule by default. */
  schedule?: Schedule;
  metrics?: DatabaseWriteMetrics;
}

export interface DatabaseRetryQueueOptions extends DatabaseRetryOptions {
  database: DatasetDatabase;
  logger: SinkLogger;
  schedule: Schedule;
  now: () => Date;
  /** The run's row as it is now: a retried call carries the current counts, not those of its first failure. */
  runInfo: () => RunInfo;
  /** A call whose retry succeeded. */
  onWritten?: (callId: string) => void;
}

interface Waiting {
  rows: CallRows;
  attempts: number;
  since: number;
}

/**
 * The one place that decides what happens to a call whose PostgreSQL write failed. A write that may succeed later (an
 * unreachable server, a cut connection) is retried; one the database refused for its data (`retryable: false`, see
 * `DatasetDatabaseError`) would fail the same way forever, so it is dropped. Anything else is retried.
 */
export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown } | null)?.retryable !== false;
}

/** The reason of a failure for the log: its code and message, never the rows (nor the error's cause chain). */
function reasonOf(err: unknown): { code?: string; reason: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    reason: err instanceof Error ? err.message : String(err),
  };
}

/**
 * Writes calls to PostgreSQL, keeping those whose write failed in a bounded queue (one entry per call, its newest
 * rows) and retrying them, oldest first, with exponential backoff until they are written. Every write is an
 * idempotent upsert of the whole call, so a retry after a write that did commit changes nothing.
 *
 * While calls wait, a new call joins the queue without being tried: the database is known to be failing, and trying
 * would hold the sink for a connection timeout per call.
 */
export class DatabaseRetryQueue {
  private readonly waiting = new Map<string, Waiting>();
  private readonly metrics: DatabaseWriteMetrics;
  private readonly random: () => number;
  private failedRetries = 0;
  private lastError: unknown;
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** Background retries are off (the sink closed); only `flush` still tries. */
  private stopped = false;
  /** A pass in flight stops before its next write (stop, or a flush that ran out of time). */
  private halted = false;

  constructor(private readonly o: DatabaseRetryQueueOptions) {
    this.metrics = o.metrics ?? noopDatabaseWriteMetrics;
    this.random = o.random ?? Math.random;
  }

  /** Calls waiting for a retry. */
  get pending(): number {
    return this.waiting.size;
  }

  has(callId: string): boolean {
    return this.waiting.has(callId);
  }

  /**
   * Writes a call now, or queues it. `first` replaces the first attempt (a late result's own small upsert); a retry
   * always writes the whole call. A call already waiting gets these rows (the newest version wins) and is not tried
   * now. Resolves true when the call was written now; never rejects.
   */
  async write(rows: CallRows, first?: () => Promise<void>): Promise<boolean> {
    const waiting = this.waiting.get(rows.callId);
    if (waiting) {
      waiting.rows = rows;
      return false;
    }
    if (this.waiting.size > 0) {
      this.add(rows, this.lastError, 0);
      return false;
    }
    try {
      await (first ?? (() => this.o.database.writeCall(rows, this.o.runInfo())))();
      return true;
    } catch (err) {
      if (!isRetryable(err)) {
        this.reject(rows.callId, err);
        return false;
      }
      this.lastError = err;
      this.add(rows, err, 1);
      return false;
    }
  }

  /** Resolves once no retry is in flight. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Ends the background retries (the calls stay queued for `flush`), after the write in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.running;
  }

  /**
   * Shutdown: stops the background retries, then tries the waiting calls once more, oldest first, until one fails or
   * `timeoutMs` is over. Returns the callIds still unwritten.
   */
  async flush(timeoutMs: number): Promise<string[]> {
    await this.stop();
    if (this.waiting.size > 0) {
      this.halted = false;
      let cancel = () => {};
      const timedOut = new Promise<void>((resolve) => {
        cancel = this.o.schedule(resolve, timeoutMs);
      });
      await Promise.race([this.pass(), timedOut]);
      cancel();
      // A write still hanging is left to the pool's close; nothing after it is started.
      this.halted = true;
    }
    return [...this.waiting.keys()];
  }

  private add(rows: CallRows, err: unknown, attempts: number): void {
    const { code, reason } = reasonOf(err);
    const maxPending = this.o.maxPending ?? DEFAULT_RETRY_MAX_PENDING;
    if (this.waiting.size >= maxPending) {
      this.metrics.dropped('queue_full');
      this.o.logger.error(
        { callId: rows.callId, reason: 'retry queue full', maxPending, code, cause: reason },
        'dropped a call’s PostgreSQL write: the retry queue is full; its files are written',
      );
      return;
    }
    this.waiting.set(rows.callId, { rows, attempts, since: this.o.now().getTime() });
    this.metrics.pending(this.waiting.size);
    this.o.logger.error(
      { callId: rows.callId, code, reason, pending: this.waiting.size },
      'could not write a call to PostgreSQL; its files are written, the write is retried',
    );
    this.scheduleRetry();
  }

  private reject(callId: string, err: unknown): void {
    if (this.waiting.delete(callId)) this.metrics.pending(this.waiting.size);
    this.metrics.dropped('rejected');
    this.o.logger.error(
      { callId, ...reasonOf(err) },
      'PostgreSQL refused a call’s rows; not retried (a retry cannot change them), its files are written',
    );
  }

  private scheduleRetry(): void {
    if (this.stopped || this.cancelTimer || this.running || this.waiting.size === 0) return;
    const initial = this.o.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS;
    const base = Math.min(this.o.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS, initial * 2 ** this.failedRetries);
    const delay = Math.round(base * (1 - JITTER * this.random()));
    this.cancelTimer = this.o.schedule(() => {
      this.cancelTimer = undefined;
      this.running = this.retry();
    }, delay);
  }

  private async retry(): Promise<void> {
    const caughtUp = await this.pass();
    this.running = undefined;
    if (caughtUp) {
      this.failedRetries = 0;
      this.o.logger.info({}, 'PostgreSQL writes caught up: no call waits for a retry');
    } else {
      this.failedRetries += 1;
    }
    this.scheduleRetry();
  }

  /** Writes the waiting calls oldest first; stops at the first failure (the database is still away). */
  private async pass(): Promise<boolean> {
    for (;;) {
      const next = this.waiting.entries().next();
      if (next.done) return true;
      if (this.halted) return false;
      const [callId, entry] = next.value;
      const rows = entry.rows;
      entry.attempts += 1;
      try {
        await this.o.database.writeCall(rows, this.o.runInfo());
      } catch (err) {
        this.metrics.retried('failed');
        if (!isRetryable(err)) {
          this.reject(callId, err);
          continue;
        }
        this.lastError = err;
        return false;
      }
      this.metrics.retried('ok');
      // Newer rows that came during the write stay first in line and are written next.
      if (entry.rows !== rows) continue;
      this.waiting.delete(callId);
      this.metrics.pending(this.waiting.size);
      this.o.logger.info(
        { callId, attempts: entry.attempts, failedForMs: this.o.now().getTime() - entry.since },
        'call written to PostgreSQL after its write failed',
      );
      this.o.onWritten?.(callId);
    }
  }
}
