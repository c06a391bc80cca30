import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createApp } from './app.js';
import { loadAnalyticsSinkConfig } from './config.js';

await runService({
  service: 'analytics-sink',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadAnalyticsSinkConfig(),
  createApp,
});
