import { join } from 'node:path';
import { busFromConfig } from '@synthcall/event-bus';
import { createBusMetrics } from '@synthcall/metrics';
import { readPackageVersion, runService } from '@synthcall/ops-server';
import { PostgresDatasetStore } from './adapters/postgres-dataset-store.js';
import { createApp } from './app.js';
import { loadAnalyticsSinkConfig } from './config.js';

const version = readPackageVersion(import.meta.url);

await runService({
  service: 'analytics-sink',
  version,
  loadConfig: () => loadAnalyticsSinkConfig(),
  createApp: async (context) => {
    const { config, logger, registry } = context;
    const bus = busFromConfig(config, {
      clientId: 'analytics-sink',
      metrics: createBusMetrics(registry),
      logger,
    });
    // Connects and migrates before anything is consumed: an unreachable database stops start-up with its reason.
    const database =
      config.DATABASE_URL === undefined
        ? undefined
        : await PostgresDatasetStore.open({ url: config.DATABASE_URL, logger, source: 'DATABASE_URL' });
    const app = createApp({
      ...context,
      bus,
      ownsBus: true,
      ...(database ? { database } : {}),
      versions: { 'analytics-sink': version, node: process.version },
    });
    await app.start();
    logger.info(
      {
        dir: app.sink.dir,
        calls: app.sink.writtenCalls,
        // The URL is a secret: only whether it is on.
        postgres: database !== undefined,
      },
      'analytics-sink writing the dataset',
    );
    // Where the Segment calls go; the write key itself is a secret and never logged.
    logger.info(
      config.SEGMENT_WRITE_KEY === undefined
        ? { segment: 'file', file: join(app.sink.dir, 'segment.jsonl') }
        : { segment: 'api', host: config.SEGMENT_HOST, flushAt: config.SEGMENT_FLUSH_AT },
      'analytics-sink sending Segment calls',
    );
    return app;
  },
});
