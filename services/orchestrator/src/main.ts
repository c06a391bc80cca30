import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createApp } from './app.js';
import { loadOrchestratorConfig } from './config.js';

await runService({
  service: 'orchestrator',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadOrchestratorConfig(),
  createApp,
});
