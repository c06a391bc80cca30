import { randomUUID } from 'node:crypto';
import { appendFile, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from '@synthcall/event-bus';
import { type GroundTruthRecorded, unseenCallEnd } from '@synthcall/schemas';
import {
  DatasetWriteError,
  ensureWritable,
  json,
  writeCallFiles,
  writeIntelligenceFile,
} from './adapters/dataset-writer.js';
import { type DatabaseRetryOptions, DatabaseRetryQueue } from './database-retry-queue.js';
import { type CollectorOptions, collectDataset, type DatasetCollector } from './dataset-collector.js';
import { type CallRecord, DatasetBuilder } from './domain/dataset.js';
import {
  type CallRows,
  callRowsOf,
  intelligenceRowOf,
  type Row,
  type RunInfo,
  recordingRowOf,
} from './domain/dataset-rows.js';
import { type LabelMetrics, noopLabelMetrics } from './label-metrics.js';

/** Where the dataset also goes when DATABASE_URL is set: `PostgresDatasetStore`, or a fake in tests. */
export interface DatasetDatabase {
  writeRun(run: RunInfo): Promise<void>;
  /** One call's rows in one transaction, with its run's row (the counts) updated in the same transaction. */
  writeCall(rows: CallRows, run?: RunInfo): Promise<void>;
  writeIntelligence(intelligence: Row, recording: Row | null): Promise<void>;
}

/** The subset of a pino logger the sink uses. */
export interface SinkLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Runs `run` after `ms`; returns a cancel function. Injected so tests decide when a settle period is over. */
export type Schedule = (run: () => void, ms: number) => () => void;

/** How long a written call is kept for late results, and when a call that never finished here is dropped. */
export const DEFAULT_RETAIN_MS = 600_000;
export const DEFAULT_ABANDON_MS = 2_700_000;
/** How often incoming events run the abandoned-call sweep at most, so a replica that writes nothing still runs it. */
export const SWEEP_EVERY_MS = 60_000;
/** Longest wait for a call's GroundTruthRecorded after its end; then it is written with labels from its plan. */
export const DEFAULT_GROUND_TRUTH_WAIT_MS = 30_000;

const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  // A pending write must not keep a stopping process alive: shutdown flushes it instead.
  timer.unref();
  return () => clearTimeout(timer);
};

export interface DatasetSinkOptions {
  bus: EventBus;
  /** Dataset folder; created if missing. */
  dir: string;
  /** Consumer-group prefix (each topic gets `<group>-<topic>`). */
  group?: string;
  logger: SinkLogger;
  /**
   * How long after a call's end is known to wait before writing it: its last replies, utterances and state travel on
   * other topics (other partitions, other consumers) and may arrive a little after call_ended.
   */
  settleMs: number;
  /** Re-read this much of the topics on every (re)join, so a restart keeps the calls in flight (bus replayMs). */
  replayMs?: number;
  /**
   * How long a written call stays in memory for its Voice Intelligence results (it is dropped at once when they are
   * in). Default 10 min. Bounds the sink's memory to the calls of the last minutes, not every call it ever saw.
   */
  retainMs?: number;
  /**
   * A call that never finished here and had no event for this long is dropped from memory: planned here but moved to
   * another replica, or waiting for a plan that never came. Default 45 min.
   */
  abandonMs?: number;
  /**
   * Longest wait for a call's ground truth (GroundTruthRecorded, published by the engine when the call ends) after
   * its end is known; at least settleMs. A call whose ground truth has not come by then is written all the same, with
   * labels from its plan (`source: 'plan'`), logged and counted. Default 30 s.
   */
  groundTruthWaitMs?: number;
  /** Counts calls labelled from their plan and PII spans dropped for not matching the spoken text. */
  labelMetrics?: LabelMetrics;
  now?: () => Date;
  schedule?: Schedule;
  topics?: CollectorOptions['topics'];
  /** Written into manifest.json as they are (no secrets here). */
  manifestConfig?: Record<string, unknown>;
  versions?: Record<string, string>;
  /**
   * Also write every call there, after its files. A write that fails is retried with backoff until it succeeds
   * (`databaseRetry`); the files never wait for it.
   */
  database?: DatasetDatabase;
  /** Backoff, bound and metrics of the database retries; defaults in database-retry-queue.ts. */
  databaseRetry?: DatabaseRetryOptions;
  /** runs.run_id of this sink's start in the database; a random UUID by default. */
  runId?: string;
}

export interface SinkManifest {
  synthetic: true;
  source: 'analytics-sink';
  config: Record<string, unknown>;
  versions: Record<string, string>;
  counts: {
    calls: number;
    turns: number;
    fallbackTurns: number;
    endReasons: Record<string, number>;
    outcomes: Record<string, number>;
    requests: Record<string, number>;
  };
  startedAt: string;
  updatedAt: string;
}

type Summary = Pick<
  CallRecord,
  'callId' | 'requestId' | 'turnCount' | 'fallbackTurns' | 'endReason' | 'outcome' | 'startedAt'
>;

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Writes the dataset of calls as they finish, from the call-loop topics: one line per call appended to calls.jsonl,
 * transcripts/<callId>.json, labels/<callId>.json, and manifest.json rewritten with the counts. A call already in
 * calls.jsonl (from before a restart, or redelivered) is never written twice.
 */
export class DatasetSink {
  private readonly dataset: DatasetBuilder;
  /** Calls in calls.jsonl (ids only; their counts are summed as they are written, for manifest.json). */
  private readonly written = new Set<string>();
  private readonly counts: SinkManifest['counts'] = {
    calls: 0,
    turns: 0,
    fallbackTurns: 0,
    endReasons: {},
    outcomes: {},
    requests: {},
  };
  /** Finished calls not written yet, with the timer that writes them (end of the settle period, or of the wait). */
  private readonly pending = new Map<string, () => void>();
  /** Of `pending`: calls past their settle period whose ground truth has not arrived, with when they ended (ms). */
  private readonly awaitingTruth = new Map<string, number>();
  private readonly labelMetrics: LabelMetrics;
  private readonly now: () => Date;
  private readonly schedule: Schedule;
  private readonly runId: string;
  /** Calls whose rows are in the database: late Voice Intelligence results are written there only for these. */
  private readonly inDatabase = new Set<string>();
  /** Written calls still held for their Voice Intelligence results, with the timer that drops them. */
  private readonly retained = new Map<string, () => void>();
  private readonly retry: DatabaseRetryQueue | undefined;
  private collector: DatasetCollector | undefined;
  private chain: Promise<void> = Promise.resolve();
  private out = '';
  /** Bytes of calls.jsonl already counted: lines after it are calls written since (here or by another replica). */
  private countedBytes = 0;
  private startedAt = '';
  private closed = false;
  private lastSweep = 0;

  constructor(private readonly o: DatasetSinkOptions) {
    this.now = o.now ?? (() => new Date());
    this.dataset = new DatasetBuilder(() => this.now().getTime());
    this.labelMetrics = o.labelMetrics ?? noopLabelMetrics;
    this.schedule = o.schedule ?? realSchedule;
    this.runId = o.runId ?? randomUUID();
    if (o.database) {
      this.retry = new DatabaseRetryQueue({
        schedule: this.schedule,
        ...o.databaseRetry,
        database: o.database,
        logger: o.logger,
        now: this.now,
        runInfo: () => this.runInfo(),
        // A call written by a retry while still in memory gets its late Voice Intelligence results as upserts.
        onWritten: (callId) => {
          if (this.retained.has(callId)) this.inDatabase.add(callId);
        },
      });
    }
  }

  /** True once every topic is subscribed: the readiness check. */
  get subscribed(): boolean {
    return this.collector !== undefined && !this.closed;
  }

  /** The absolute dataset folder, once started. */
  get dir(): string {
    return this.out;
  }

  /** Calls in calls.jsonl, including those found there at start-up. */
  get writtenCalls(): number {
    return this.written.size;
  }

  async start(): Promise<void> {
    this.startedAt = this.now().toISOString();
    this.lastSweep = this.now().getTime();
    this.out = await ensureWritable(this.o.dir);
    const replayFrom = this.now().getTime() - (this.o.replayMs ?? 0) - (this.o.retainMs ?? DEFAULT_RETAIN_MS);
    for (const record of await this.readExisting()) {
      this.remember(record);
      // A recent call is rebuilt by the replay (its late Voice Intelligence results can still be written) and then
      // dropped; an older one cannot come back, so it is ignored from the start.
      const started = record.startedAt ? Date.parse(record.startedAt) : Number.NaN;
      if (Number.isFinite(started) && started < replayFrom) this.dataset.forget(record.callId);
      else this.retain(record.callId);
    }
    if (this.written.size > 0) {
      this.o.logger.info(
        { dir: this.out, calls: this.written.size },
        'dataset has calls already; they are kept',
      );
    }
    // Before subscribing: a database that refuses the run's row stops start-up, like an unwritable folder.
    await this.o.database?.writeRun(this.runInfo());
    this.collector = await collectDataset({
      bus: this.o.bus,
      dataset: this.dataset,
      group: this.o.group ?? 'analytics-sink',
      fromBeginning: true,
      ...(this.o.replayMs !== undefined ? { replayMs: this.o.replayMs } : {}),
      ...(this.o.topics ? { topics: this.o.topics } : {}),
      onCallFinished: (callId) => this.callFinished(callId),
      onEvent: () => this.sweepIfDue(),
      onGroundTruth: (e) => this.groundTruthArrived(e),
      now: this.now,
      onIntelligenceWithoutCall: (callId) => {
        if (this.written.has(callId))
          this.o.logger.warn(
            { callId, retainMs: this.o.retainMs ?? DEFAULT_RETAIN_MS },
            'Voice Intelligence results came after the call left memory; not written (raise retainMs)',
          );
      },
      onIntelligence: (callId) => {
        this.chain = this.chain.then(() =>
          this.writeIntelligence(callId).catch((err: unknown) => {
            this.o.logger.error({ err, callId, dir: this.out }, 'could not write Voice Intelligence results');
          }),
        );
      },
    });
  }

  /** Voice Intelligence results arrive after the call: intelligence/<callId>.json is written whenever they do. */
  private async writeIntelligence(callId: string): Promise<void> {
    await writeIntelligenceFile(this.out, this.dataset, callId);
    const intelligence = this.dataset.intelligence(callId);
    const database = this.o.database;
    // A call not in the database yet gets its intelligence row with the call's own transaction; one waiting for a
    // retry gets its rows replaced by these, which include the results.
    if (this.retry && database && intelligence && (this.inDatabase.has(callId) || this.retry.has(callId))) {
      const recording = this.dataset.recordingOf(callId);
      // If this small upsert fails, the retry writes the whole call, results included.
      await this.retry.write(this.callRows(callId, this.dataset.record(callId)), () =>
        database.writeIntelligence(
          intelligenceRowOf(intelligence),
          recording ? recordingRowOf(callId, recording, null) : null,
        ),
      );
    }
    if (this.written.has(callId) && intelligence) this.release(callId);
  }

  /** Calls whose PostgreSQL write failed and waits for a retry. */
  get databasePending(): number {
    return this.retry?.pending ?? 0;
  }

  /**
   * Shutdown, after `close`: tries the calls waiting for a PostgreSQL retry once more, for at most `timeoutMs`, and
   * logs those still unwritten. Returns their number.
   */
  async flushDatabase(timeoutMs: number): Promise<number> {
    if (!this.retry) return 0;
    const left = await this.retry.flush(timeoutMs);
    if (left.length > 0) {
      this.o.logger.error(
        { pending: left.length, calls: left.slice(0, 100), dir: this.out },
        'calls not written to PostgreSQL at shutdown; their data is in the dataset files',
      );
    }
    return left.length;
  }

  /** Calls held in memory (in flight, or written and waiting for their Voice Intelligence results). */
  get callsInMemory(): number {
    return this.dataset.size;
  }

  /** Per-call state held now, map by map (tests check that a long run holds none of it for calls long gone). */
  heldCalls(): Record<string, number> {
    return {
      calls: this.dataset.size,
      waitingForPlan: this.dataset.waitingCalls,
      finished: this.collector?.finishedCalls ?? 0,
      settling: this.pending.size,
      awaitingGroundTruth: this.awaitingTruth.size,
      retained: this.retained.size,
      inDatabase: this.inDatabase.size,
    };
  }

  private retain(callId: string): void {
    if (this.retained.has(callId)) return;
    const drop = () => {
      this.chain = this.chain.then(() => this.release(callId));
    };
    this.retained.set(callId, this.schedule(drop, this.o.retainMs ?? DEFAULT_RETAIN_MS));
  }

  /** Everything held for a call goes here, so no map keeps a call the others dropped. */
  private release(callId: string): void {
    this.retained.get(callId)?.();
    this.retained.delete(callId);
    this.inDatabase.delete(callId);
    this.dataset.forget(callId);
    this.collector?.forget(callId);
  }

  private sweepIfDue(): void {
    const abandonMs = this.o.abandonMs ?? DEFAULT_ABANDON_MS;
    if (this.now().getTime() - this.lastSweep >= Math.min(SWEEP_EVERY_MS, abandonMs)) this.sweepAbandoned();
  }

  /**
   * Ends calls planned here that had no event for abandonMs and never ended (their end was lost, or their partitions
   * moved to another replica): each is written with end reason `error`, never dropped silently. Drops the events of
   * calls waiting for a plan that went elsewhere or was lost. Without this every rebalance would leave their state in
   * memory for good.
   */
  private sweepAbandoned(): void {
    const now = this.now().getTime();
    this.lastSweep = now;
    let waiting = 0;
    const abandonMs = this.o.abandonMs ?? DEFAULT_ABANDON_MS;
    for (const callId of this.dataset.abandoned(now - abandonMs)) {
      if (this.dataset.has(callId)) {
        const detail = `never ended: no call_ended and no event for ${Math.round(abandonMs / 60_000)} min; written by the analytics-sink's sweep`;
        this.o.logger.warn(
          { callId, endReason: 'error', detail },
          'a call never ended: writing it as ended by error',
        );
        this.dataset.onLifecycle(unseenCallEnd(callId, 'analytics-sink', new Date(now), detail));
        this.pending.get(callId)?.();
        this.enqueue(callId);
        continue;
      }
      waiting += 1;
      this.release(callId);
    }
    if (waiting > 0) {
      this.o.logger.info({ calls: waiting }, 'dropping events of calls whose plan never came here');
    }
  }

  /** Writes every finished call now, without waiting for its settle period; waits for a database retry in flight. */
  async flush(): Promise<void> {
    for (const [callId, cancel] of [...this.pending]) {
      cancel();
      this.enqueue(callId);
    }
    await this.chain;
    await this.retry?.idle();
  }

  /**
   * Stops intake, then writes what finished. With replayMs a call still in its settle period is left to the replay of
   * the next start (or of the replica taking its partitions): written now it could miss its last turns, and its
   * calls.jsonl line would keep the replay from completing it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.collector?.close();
    if (!this.o.replayMs) {
      await this.flush();
      // The calls still waiting stay queued for flushDatabase, the last shutdown step before the database closes.
      await this.retry?.stop();
      return;
    }
    if (this.pending.size > 0) {
      for (const cancel of this.pending.values()) cancel();
      this.o.logger.info(
        { calls: [...this.pending.keys()] },
        'calls still settling are left to the replay after restart',
      );
      this.pending.clear();
      this.awaitingTruth.clear();
    }
    await this.chain;
    await this.retry?.stop();
  }

  /**
   * A call is written once it has settled and its ground truth is in. A ground truth that has not come when the
   * settle period ends is waited for up to groundTruthWaitMs after the end; a call that failed to start has none.
   */
  private callFinished(callId: string): void {
    if (this.written.has(callId) || this.pending.has(callId)) return;
    const endedAt = this.now().getTime();
    const settled = () => {
      if (this.dataset.groundTruthVersion(callId) !== null || this.dataset.hasFailed(callId)) {
        this.enqueue(callId);
        return;
      }
      const waitMs = Math.max(
        0,
        (this.o.groundTruthWaitMs ?? DEFAULT_GROUND_TRUTH_WAIT_MS) - this.o.settleMs,
      );
      this.awaitingTruth.set(callId, endedAt);
      this.pending.set(
        callId,
        this.schedule(() => this.enqueue(callId), waitMs),
      );
    };
    this.pending.set(callId, this.schedule(settled, this.o.settleMs));
  }

  private groundTruthArrived(e: GroundTruthRecorded): void {
    const callId = e.callId;
    // Past its settle period the call has all its turns: with its ground truth in, it is written now.
    if (this.awaitingTruth.has(callId)) {
      this.pending.get(callId)?.();
      this.enqueue(callId);
      return;
    }
    const labelled = this.dataset.labelledVersion(callId);
    if (labelled !== null && e.version > labelled) {
      // Not rewritten: a call's files and rows are written once. What was written still points at spoken words (its
      // spans were checked against the spoken text; fallback turns are marked from the replies themselves).
      this.o.logger.warn(
        { callId, version: e.version, labelledVersion: labelled },
        labelled === 0
          ? 'ground truth came after the call was written with labels from its plan (raise groundTruthWaitMs)'
          : 'a newer ground truth came after the call was written; its labels keep the earlier version',
      );
    }
  }

  private enqueue(callId: string): void {
    this.pending.delete(callId);
    const endedAt = this.awaitingTruth.get(callId);
    this.awaitingTruth.delete(callId);
    if (
      endedAt !== undefined &&
      this.dataset.groundTruthVersion(callId) === null &&
      !this.written.has(callId)
    ) {
      this.o.logger.warn(
        { callId, waitedMs: this.now().getTime() - endedAt },
        'no ground truth arrived for the call; writing it with labels from its plan',
      );
    }
    this.chain = this.chain.then(() =>
      this.writeCall(callId).catch((err: unknown) => {
        // Not retried: its events were consumed already, so the reason must be visible in the log.
        this.o.logger.error({ err, callId, dir: this.out }, 'could not write a call to the dataset');
      }),
    );
  }

  private async writeCall(callId: string): Promise<void> {
    // Another replica sharing the folder may have written it (the call's partition moved in a rebalance).
    await this.countNewLines();
    if (this.written.has(callId)) return;
    const record = this.dataset.record(callId);
    const labels = this.dataset.labels(callId);
    try {
      await writeCallFiles(this.out, this.dataset, callId);
      // The calls.jsonl line goes last: it is what marks the call as written across a restart.
      await appendFile(join(this.out, 'calls.jsonl'), `${JSON.stringify(record)}\n`);
      this.remember(record);
      // Replicas may share the folder: the manifest counts every line, including those other sinks appended.
      await this.countNewLines();
      await this.writeManifest();
    } catch (cause) {
      throw new DatasetWriteError(
        `writing call ${callId} to ${this.out} failed: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    this.o.logger.info(
      { callId, requestId: record.requestId, turns: record.turnCount, endReason: record.endReason },
      'call written to the dataset',
    );
    this.dataset.markLabelled(callId);
    if (labels.source === 'plan')
      this.labelMetrics.fromPlan(this.dataset.hasFailed(callId) ? 'call_failed' : 'ground_truth_missing');
    if (labels.droppedPii.length > 0) {
      this.labelMetrics.piiDropped(labels.droppedPii.length);
      this.o.logger.warn(
        { callId, dropped: labels.droppedPii.length, kept: labels.spokenPii.length },
        'PII spans of the ground truth not in the spoken text were left out of the labels',
      );
    }
    await this.writeCallToDatabase(callId, record);
    if (this.dataset.intelligence(callId)) this.release(callId);
    else this.retain(callId);
    this.sweepAbandoned();
  }

  /** After the files: a database that fails delays the database copy of this call (retried), never its files. */
  private async writeCallToDatabase(callId: string, record: CallRecord): Promise<void> {
    if (!this.retry) return;
    let rows: CallRows;
    try {
      rows = this.callRows(callId, record);
    } catch (err) {
      this.o.logger.error({ err, callId }, 'could not map a call to PostgreSQL rows; its files are written');
      return;
    }
    if (await this.retry.write(rows)) this.inDatabase.add(callId);
  }

  private callRows(callId: string, record: CallRecord): CallRows {
    return callRowsOf(
      {
        record,
        transcript: this.dataset.transcript(callId),
        labels: this.dataset.labels(callId),
        recording: this.dataset.recordingOf(callId),
        intelligence: this.dataset.intelligence(callId),
      },
      { runId: this.runId },
    );
  }

  private runInfo(): RunInfo {
    const m = this.manifest();
    return {
      runId: this.runId,
      source: 'analytics-sink',
      seed: null,
      config: m.config,
      versions: m.versions,
      personas: null,
      counts: m.counts,
      startedAt: m.startedAt,
      updatedAt: m.updatedAt,
      finishedAt: null,
    };
  }

  private async writeManifest(): Promise<void> {
    // Renamed into place, so a reader never sees half a manifest; a temporary name of its own, so replicas sharing
    // the folder never rename each other's.
    const tmp = join(this.out, `manifest.json.${this.runId}.tmp`);
    // The last rename wins, not the highest count: another replica that counted fewer lines may rename after this
    // one. So after each rename, lines appended meanwhile are counted and the manifest written again, until none
    // came in between; whoever appends later writes a manifest of its own after that.
    for (;;) {
      const counted = this.countedBytes;
      await writeFile(tmp, json(this.manifest()));
      await rename(tmp, join(this.out, 'manifest.json'));
      await this.countNewLines();
      if (this.countedBytes === counted) return;
    }
  }

  /** Counted once per call: summing every written call again for each manifest made a long run quadratic. */
  private remember(r: Summary): void {
    if (this.written.has(r.callId)) return;
    this.written.add(r.callId);
    const counts = this.counts;
    counts.calls += 1;
    counts.turns += r.turnCount;
    counts.fallbackTurns += r.fallbackTurns;
    bump(counts.endReasons, r.endReason ?? 'failed');
    if (r.outcome) bump(counts.outcomes, r.outcome);
    bump(counts.requests, r.requestId);
  }

  private manifest(): SinkManifest {
    return {
      synthetic: true,
      source: 'analytics-sink',
      config: this.o.manifestConfig ?? {},
      versions: this.o.versions ?? {},
      counts: structuredClone(this.counts),
      startedAt: this.startedAt,
      updatedAt: this.now().toISOString(),
    };
  }

  /** The calls already in calls.jsonl. A torn last line (a crash mid-append) is cut off so appends stay valid. */
  private async readExisting(): Promise<Summary[]> {
    const file = join(this.out, 'calls.jsonl');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DatasetWriteError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    if (text.length > 0 && !text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      await writeFile(file, text);
      this.o.logger.warn({ file }, 'dropped an incomplete last line of calls.jsonl');
    }
    this.countedBytes = Buffer.byteLength(text);
    return this.parseLines(text, file);
  }

  /**
   * Counts the calls appended to calls.jsonl since the last look, by this sink or by another replica writing the same
   * folder (each line is one append, so a line is whole once it ends in a newline; a line still being written is
   * counted next time). Reads only the new bytes, so a long run stays linear.
   */
  private async countNewLines(): Promise<void> {
    const file = join(this.out, 'calls.jsonl');
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined; // nothing written yet, here or by another replica
      throw err;
    });
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size <= this.countedBytes) return;
      const fresh = Buffer.alloc(size - this.countedBytes);
      const { bytesRead } = await handle.read(fresh, 0, fresh.length, this.countedBytes);
      const whole = fresh.subarray(0, fresh.subarray(0, bytesRead).lastIndexOf(0x0a) + 1);
      this.countedBytes += whole.length;
      for (const record of this.parseLines(whole.toString('utf8'), file)) this.remember(record);
    } finally {
      await handle.close();
    }
  }

  private parseLines(text: string, file: string): Summary[] {
    const records: Summary[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as Summary;
        if (typeof r.callId === 'string') records.push(r);
      } catch {
        this.o.logger.warn({ file }, 'skipped a line of calls.jsonl that is not JSON');
      }
    }
    return records;
  }
}
