import type { EventBus } from '@synthcall/event-bus';
import { ensureWritable, type RunManifest, writeCallFiles, writeDataset } from './adapters/dataset-writer.js';
import { type CollectorOptions, collectDataset, type DatasetCollector } from './dataset-collector.js';
import { type CallRecord, DatasetBuilder, type RealizedByCounts } from './domain/dataset.js';

/** Where a run's dataset also goes (`PostgresDatasetStore`): the whole run in one go, after its files. */
export interface RunDatabase {
  /** Returns how many calls it wrote. */
  writeDataset(
    dataset: DatasetBuilder,
    manifest: RunManifest,
    recordingFile?: (callId: string) => string | null,
  ): Promise<number>;
  close(): Promise<void>;
}

export interface RunDatasetOptions {
  bus: EventBus;
  /** The dataset folder; created if missing. */
  dir: string;
  /** Consumer-group prefix of the collector (each topic gets `<group>-<topic>`). */
  group: string;
  topics?: CollectorOptions['topics'];
  /**
   * Write a call's files as soon as it is complete (`isComplete`) and drop it from memory, so a run does not hold its
   * whole dataset. Only where every event of a call has been delivered when its end is (the in-memory bus), and not
   * when the database or the recordings need the whole dataset at the end.
   */
  writeEarly: boolean;
  /** After each call whose end became known: how many have, so far. */
  onCallFinished?: (finished: number) => void;
  database?: RunDatabase;
  /** The caller wrote each call's recording to recordings/<callId>.wav: the database rows point at them. */
  recordingFiles?: boolean;
}

/** One call of the run as the summary counts it. */
export interface RunCall {
  record: CallRecord;
  realizedBy: RealizedByCounts;
  /** Its end is known (ended or failed); otherwise the run stopped with it still in flight. */
  ended: boolean;
}

/**
 * The dataset of one bounded run (`synthcall generate`), as opposed to the service's `DatasetSink` that writes for as
 * long as it runs: every call of the run is collected from the call-loop topics; complete calls are written during
 * the run when `writeEarly`, and `write` writes the rest, calls.jsonl in callId order and the run's manifest at the
 * end, so the same seed writes the same files.
 */
export class RunDataset {
  /** The calls held in memory: every call, or only those not written yet when `writeEarly`. */
  readonly dataset = new DatasetBuilder();
  /** Calls whose files were written during the run: what calls.jsonl and the summary still need of them. */
  private readonly written = new Map<string, { record: CallRecord; realizedBy: RealizedByCounts }>();
  private writingEarly: boolean;
  private writing: Promise<void> = Promise.resolve();
  private collector: DatasetCollector | undefined;
  private finished = 0;
  private out: string;

  constructor(private readonly o: RunDatasetOptions) {
    this.writingEarly = o.writeEarly;
    this.out = o.dir;
  }

  /** The absolute dataset folder, once started. */
  get dir(): string {
    return this.out;
  }

  async start(): Promise<void> {
    this.out = await ensureWritable(this.o.dir);
    this.collector = await collectDataset({
      bus: this.o.bus,
      dataset: this.dataset,
      group: this.o.group,
      ...(this.o.topics ? { topics: this.o.topics } : {}),
      onCallFinished: () => {
        this.finished += 1;
        this.o.onCallFinished?.(this.finished);
        // Calls that ended before this one have had time to complete (intelligence, ground truth) by now.
        this.writeCompleteCalls();
      },
    });
  }

  /** Stops collecting (later events of the run's calls are not applied) and waits for the calls being written. */
  async close(): Promise<void> {
    await this.collector?.close();
    this.writingEarly = false;
    // A failed write was the run's error already (stopWritingEarly); shutting down goes on.
    await this.writing.catch(() => undefined);
  }

  /** Calls held whose recording's Voice Intelligence results have not come. */
  awaitingIntelligence(): number {
    return this.dataset.callIds().filter((id) => !this.dataset.hasIntelligenceOrNone(id)).length;
  }

  /** Calls held without their GroundTruthRecorded. */
  awaitingGroundTruth(): number {
    return this.dataset.withoutGroundTruth().length;
  }

  /**
   * Ends the writing during the run and waits for the calls being written: a call ending after this (a run past its
   * --timeout) must not be written and forgotten while `write` reads the dataset. A failed write fails here.
   */
  async stopWritingEarly(): Promise<void> {
    this.writingEarly = false;
    await this.writing;
  }

  /** Every call of the run: those written during it, then those held. */
  calls(): RunCall[] {
    return [
      ...[...this.written.values()].map((c) => ({ ...c, ended: true })),
      ...this.dataset.callIds().map((id) => ({
        record: this.dataset.record(id),
        realizedBy: this.dataset.labels(id).turnsRealizedBy,
        ended: this.dataset.isFinished(id),
      })),
    ];
  }

  /**
   * Writes the calls held, calls.jsonl and the manifest, then (when given) the whole run to the database: the files
   * first, so a database that fails late leaves them complete. Returns what the database write took.
   */
  async write(manifest: RunManifest): Promise<{ database?: { calls: number; sec: number } }> {
    await this.stopWritingEarly();
    await writeDataset(
      this.out,
      this.dataset,
      manifest,
      new Map([...this.written].map(([id, call]) => [id, call.record])),
    );
    const database = this.o.database;
    if (!database) return {};
    const started = Date.now();
    const calls = await database.writeDataset(this.dataset, manifest, (callId) =>
      this.o.recordingFiles && this.dataset.recordingOf(callId) ? `recordings/${callId}.wav` : null,
    );
    return { database: { calls, sec: (Date.now() - started) / 1000 } };
  }

  private writeCompleteCalls(): void {
    if (!this.writingEarly) return;
    this.writing = this.writing.then(async () => {
      for (const id of this.dataset.callIds()) {
        if (!isComplete(this.dataset, id)) continue;
        const labels = await writeCallFiles(this.out, this.dataset, id);
        this.written.set(id, { record: this.dataset.record(id), realizedBy: labels.turnsRealizedBy });
        this.dataset.forget(id);
      }
    });
    // A failed write fails the run where it is awaited (stopWritingEarly), not the bus handler that started it.
    this.writing.catch(() => undefined);
  }
}

/**
 * Whether nothing more can change what a call's files say: it ended, its ground truth and its recording's Voice
 * Intelligence results are in, and no gateway fallback was spoken (a late fallback re-records the ground truth).
 */
function isComplete(dataset: DatasetBuilder, callId: string): boolean {
  return (
    dataset.isFinished(callId) &&
    !dataset.hasFailed(callId) &&
    dataset.groundTruthVersion(callId) !== null &&
    dataset.recordingOf(callId) !== null &&
    dataset.hasIntelligenceOrNone(callId) &&
    dataset.record(callId).fallbackTurns === 0
  );
}
