import type { Logger } from '@synthcall/logging';
import type { Registry } from '@synthcall/metrics';
import { createOpsServer, type ReadinessCheck, type ServiceApp } from '@synthcall/ops-server';
import type { Config } from './config.js';

/**
 * Everything the analytics-sink gets from outside. The event bus (`bus: EventBus` from `@synthcall/event-bus`) is passed
 * here by `main.ts` once it exists, so tests can hand in the in-memory bus.
 */
export interface AppDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
}

/** Builds the analytics-sink; neither listens nor connects (`main.ts` does that). */
export function createApp(deps: AppDeps): ServiceApp {
  // Each adapter adds its own check as it arrives (bus connected, registry reachable); none exist yet.
  const checks: Record<string, ReadinessCheck> = {};
  const ops = createOpsServer({ registry: deps.registry, checks, logger: deps.logger });
  // Stop intake, drain, flush: the consumer and producer steps land here with the bus.
  return { ops, shutdownSteps: [] };
}

export {
  DatasetWriteError,
  ensureWritable,
  type RunManifest,
  writeDataset,
} from './adapters/dataset-writer.js';
export { type CollectorOptions, collectDataset } from './dataset-collector.js';
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
