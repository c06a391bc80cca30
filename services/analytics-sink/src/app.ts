import type { EventBus } from '@synthcall/event-bus';
import { createOpsServer, type ServiceApp, type ServiceContext } from '@synthcall/ops-server';
import type { Config } from './config.js';
import { DatasetSink, type Schedule } from './dataset-sink.js';
import { groundTruthOf } from './ground-truth.js';

/** Everything the analytics-sink gets from outside; `main.ts` picks the bus, tests pass the in-memory one. */
export interface AppDeps extends ServiceContext<Config> {
  bus: EventBus;
  /** Closed on shutdown after the last write when true (main.ts owns the bus it built). */
  ownsBus?: boolean;
  now?: () => Date;
  schedule?: Schedule;
  versions?: Record<string, string>;
}

export interface AnalyticsSinkApp extends ServiceApp {
  sink: DatasetSink;
  /** Subscribes to the call-loop topics; readiness turns true once it resolves. */
  start(): Promise<void>;
}

/** Builds the analytics-sink; neither listens nor subscribes (`main.ts` calls `start()`). */
export function createApp(deps: AppDeps): AnalyticsSinkApp {
  const { config } = deps;
  const sink = new DatasetSink({
    bus: deps.bus,
    dir: config.DATASET_DIR,
    group: 'analytics-sink',
    logger: deps.logger,
    settleMs: config.DATASET_SETTLE_MS,
    groundTruthOf,
    manifestConfig: { bus: config.SYNTHCALL_BUS, settleMs: config.DATASET_SETTLE_MS },
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
    ...(deps.versions ? { versions: deps.versions } : {}),
  });
  const ops = createOpsServer({
    registry: deps.registry,
    checks: { subscribed: () => sink.subscribed },
    logger: deps.logger,
  });
  return {
    ops,
    sink,
    start: () => sink.start(),
    // Stop intake, then write every finished call (no settle wait), then close the bus.
    shutdownSteps: [
      { name: 'stop intake and flush the dataset', run: () => sink.close(), timeoutMs: 15_000 },
      ...(deps.ownsBus ? [{ name: 'close event bus', run: () => deps.bus.close(), timeoutMs: 10_000 }] : []),
    ],
  };
}

export {
  DatasetWriteError,
  ensureWritable,
  type RunManifest,
  writeDataset,
} from './adapters/dataset-writer.js';
export { type Config, configSchema, DEFAULT_DATASET_DIR, loadAnalyticsSinkConfig } from './config.js';
export { type CollectorOptions, collectDataset } from './dataset-collector.js';
export {
  DatasetSink,
  type DatasetSinkOptions,
  type Schedule,
  type SinkLogger,
  type SinkManifest,
} from './dataset-sink.js';
export {
  type CallRecord,
  DatasetBuilder,
  type DemeanorPoint,
  type GroundTruth,
  type Labels,
  outcomeOf,
  type SpokenPii,
  type Transcript,
  type TranscriptTurn,
} from './domain/dataset.js';
export { groundTruthOf } from './ground-truth.js';
