import { join, resolve } from 'node:path';
import type { EventBus } from '@synthcall/event-bus';
import { createOpsServer, type ServiceApp, type ServiceContext } from '@synthcall/ops-server';
import { AnalyticsNodeSegment } from './adapters/segment-analytics-node.js';
import { JsonlSegmentFile } from './adapters/segment-jsonl.js';
import type { Config } from './config.js';
import { createDatabaseWriteMetrics } from './database-metrics.js';
import type { DatabaseRetryOptions } from './database-retry-queue.js';
import type { CollectorOptions } from './dataset-collector.js';
import { type DatasetDatabase, DatasetSink, type Schedule, type SinkLogger } from './dataset-sink.js';
import { createLabelMetrics } from './label-metrics.js';
import { type RunDatabase, RunDataset } from './run-dataset.js';
import { type SegmentPort, SegmentPublisher, type SegmentPublisherOptions } from './segment-publisher.js';

/** Everything the analytics-sink gets from outside; `main.ts` picks the bus, tests pass the in-memory one. */
export interface AppDeps extends ServiceContext<Config> {
  bus: EventBus;
  /** Closed on shutdown after the last write when true (main.ts owns the bus it built). */
  ownsBus?: boolean;
  now?: () => Date;
  schedule?: Schedule;
  versions?: Record<string, string>;
  /** Where Segment calls go; defaults to `segmentPortFromConfig(config)`. */
  segment?: SegmentPort;
  /** The PostgreSQL output `main.ts` opened when DATABASE_URL is set (closed on shutdown after the last write). */
  database?: DatasetDatabase & { close(): Promise<void> };
  /** runs.run_id of this start in the database. */
  runId?: string;
  /** Backoff and bound of the PostgreSQL retries (their metrics go to `registry`). */
  databaseRetry?: Omit<DatabaseRetryOptions, 'metrics'>;
  /** Other names for the call-loop topics (a run on topics of its own). */
  topics?: SinkTopics;
}

type SinkTopics = NonNullable<CollectorOptions['topics']> & NonNullable<SegmentPublisherOptions['topics']>;

/**
 * The sink of one bounded run (`synthcall generate`) instead of the long-running service: the dataset of the run
 * (`RunDataset`), written with the run's manifest when the run ends. Segment works as in the service.
 */
export interface RunDeps extends Omit<AppDeps, 'database' | 'runId' | 'databaseRetry' | 'ownsBus'> {
  run: {
    /** Consumer groups of the dataset collector and of the Segment publisher. */
    groups: { dataset: string; segment: string };
    /** See `RunDatasetOptions.writeEarly`. */
    writeEarly: boolean;
    onCallFinished?: (finished: number) => void;
    /** See `RunDatasetOptions.recordingFiles`. */
    recordingFiles?: boolean;
  };
  /** The run's PostgreSQL output, opened by the caller (closed by the last shutdown step). */
  database?: RunDatabase;
}

/** The shutdown's last try of the PostgreSQL writes still waiting for a retry, inside its step's 10 s. */
const DATABASE_FLUSH_TIMEOUT_MS = 8_000;

export interface AnalyticsSinkApp extends ServiceApp {
  sink: DatasetSink;
  segment: SegmentPublisher;
  /** Subscribes to the call-loop topics; readiness turns true once it resolves. */
  start(): Promise<void>;
}

export interface RunSinkApp extends ServiceApp {
  run: RunDataset;
  /** Subscribes to the call-loop topics; creates the dataset folder first. */
  start(): Promise<void>;
  /**
   * The run's calls are over: sends what Segment still holds and waits for the calls being written, so what the
   * dataset holds is final (`run.calls()`) before `run.write`.
   */
  drain(): Promise<void>;
}

/**
 * Builds the analytics-sink; neither listens nor subscribes (`main.ts` calls `start()`). With `run` it is the sink of
 * one `synthcall generate` run.
 */
export function createApp(deps: RunDeps): RunSinkApp;
export function createApp(deps: AppDeps): AnalyticsSinkApp;
export function createApp(deps: AppDeps | RunDeps): AnalyticsSinkApp | RunSinkApp {
  return 'run' in deps ? createRunApp(deps) : createServiceApp(deps);
}

function createServiceApp(deps: AppDeps): AnalyticsSinkApp {
  const { config } = deps;
  const sink = new DatasetSink({
    bus: deps.bus,
    dir: config.DATASET_DIR,
    group: 'analytics-sink',
    logger: deps.logger,
    settleMs: config.DATASET_SETTLE_MS,
    replayMs: config.DATASET_REPLAY_MS,
    groundTruthWaitMs: config.DATASET_GROUND_TRUTH_WAIT_MS,
    labelMetrics: createLabelMetrics(deps.registry),
    manifestConfig: {
      bus: config.SYNTHCALL_BUS,
      settleMs: config.DATASET_SETTLE_MS,
      groundTruthWaitMs: config.DATASET_GROUND_TRUTH_WAIT_MS,
      replayMs: config.DATASET_REPLAY_MS,
    },
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
    ...(deps.versions ? { versions: deps.versions } : {}),
    ...(deps.database
      ? {
          database: deps.database,
          databaseRetry: { ...deps.databaseRetry, metrics: createDatabaseWriteMetrics(deps.registry) },
        }
      : {}),
    ...(deps.runId ? { runId: deps.runId } : {}),
  });
  const segment = new SegmentPublisher({
    bus: deps.bus,
    segment: deps.segment ?? segmentPortFromConfig(deps.config, deps.logger),
    logger: deps.logger,
    group: 'analytics-sink-segment',
    settleMs: config.DATASET_SETTLE_MS,
    replayMs: config.DATASET_REPLAY_MS,
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
  });
  const ops = createOpsServer({
    registry: deps.registry,
    // One check for both: ready means every topic the sink reads is subscribed.
    checks: { subscribed: () => sink.subscribed && segment.subscribed },
    logger: deps.logger,
  });
  return {
    ops,
    sink,
    segment,
    // The dataset sink first: it creates DATASET_DIR, where segment.jsonl goes.
    start: async () => {
      await sink.start();
      await segment.start();
    },
    // Stop intake, then write every finished call (no settle wait), then send Segment's queue, then try the
    // PostgreSQL writes waiting for a retry once more, then close the database and the bus.
    shutdownSteps: [
      { name: 'stop intake and flush the dataset', run: () => sink.close(), timeoutMs: 15_000 },
      { name: 'flush and close Segment', run: () => segment.close(), timeoutMs: 30_000 },
      ...(deps.database
        ? [
            {
              name: 'flush pending PostgreSQL writes',
              run: async () => {
                await sink.flushDatabase(DATABASE_FLUSH_TIMEOUT_MS);
              },
              timeoutMs: 10_000,
            },
            {
              name: 'close PostgreSQL',
              run: () => deps.database?.close() ?? Promise.resolve(),
              timeoutMs: 10_000,
            },
          ]
        : []),
      ...(deps.ownsBus ? [{ name: 'close event bus', run: () => deps.bus.close(), timeoutMs: 10_000 }] : []),
    ],
  };
}

function createRunApp(deps: RunDeps): RunSinkApp {
  const { config } = deps;
  const run = new RunDataset({
    bus: deps.bus,
    dir: config.DATASET_DIR,
    group: deps.run.groups.dataset,
    writeEarly: deps.run.writeEarly,
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.run.onCallFinished ? { onCallFinished: deps.run.onCallFinished } : {}),
    ...(deps.database ? { database: deps.database } : {}),
    recordingFiles: deps.run.recordingFiles ?? false,
  });
  // A run reads its topics once from the beginning: nothing to replay.
  const segment = new SegmentPublisher({
    bus: deps.bus,
    segment: deps.segment ?? segmentPortFromConfig(config, deps.logger),
    logger: deps.logger,
    group: deps.run.groups.segment,
    settleMs: config.DATASET_SETTLE_MS,
    ...(deps.topics ? { topics: deps.topics } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
  });
  let subscribed = false;
  const ops = createOpsServer({
    registry: deps.registry,
    checks: { subscribed: () => subscribed },
    logger: deps.logger,
  });
  return {
    ops,
    run,
    // The dataset first: it creates DATASET_DIR, where segment.jsonl goes.
    start: async () => {
      await run.start();
      await segment.start();
      subscribed = true;
    },
    drain: async () => {
      await segment.close();
      await run.stopWritingEarly();
    },
    shutdownSteps: [
      { name: 'stop collecting the run', run: () => run.close(), timeoutMs: 15_000 },
      { name: 'flush and close Segment', run: () => segment.close(), timeoutMs: 30_000 },
      ...(deps.database
        ? [
            {
              name: 'close PostgreSQL',
              run: () => deps.database?.close() ?? Promise.resolve(),
              timeoutMs: 10_000,
            },
          ]
        : []),
    ],
  };
}

/** analytics-node when a write key is set, else `<DATASET_DIR>/segment.jsonl` (ARCHITECTURE.md, dataset layout). */
function segmentPortFromConfig(config: Config, logger: SinkLogger): SegmentPort {
  if (config.SEGMENT_WRITE_KEY === undefined) {
    return new JsonlSegmentFile(join(resolve(config.DATASET_DIR), 'segment.jsonl'));
  }
  return new AnalyticsNodeSegment({
    writeKey: config.SEGMENT_WRITE_KEY,
    host: config.SEGMENT_HOST,
    flushAt: config.SEGMENT_FLUSH_AT,
    flushIntervalMs: config.SEGMENT_FLUSH_INTERVAL_MS,
    maxRetries: config.SEGMENT_MAX_RETRIES,
    // Inside the shutdown step's 30s, so the step ends with the client's own verdict rather than a timeout.
    closeTimeoutMs: 25_000,
    logger,
  });
}

// The package's face (issue 13): createApp (the service, or the sink of one generate run), its config, its ports, and
// the PostgreSQL adapter a composer opens for it. The dataset's format (its files' types and what readers compute
// from them) is `./dataset`; what tests of other packages need is `./testing`.
export type { RunManifest } from './adapters/dataset-writer.js';
export { PostgresDatasetStore } from './adapters/postgres-dataset-store.js';
export { type Config, databaseUrlProblem, loadAnalyticsSinkConfig } from './config.js';
export type { DatasetDatabase, Schedule, SinkLogger } from './dataset-sink.js';
/** The type of `RunDataset.dataset`, what a run's hooks may inspect. */
export type { DatasetBuilder } from './domain/dataset.js';
export type { SegmentMessage } from './domain/segment-events.js';
export type { RunCall, RunDatabase, RunDataset } from './run-dataset.js';
export type { SegmentPort } from './segment-publisher.js';
