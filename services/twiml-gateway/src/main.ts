import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createApp } from './app.js';
import { loadTwimlGatewayConfig } from './config.js';

await runService({
  service: 'twiml-gateway',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadTwimlGatewayConfig(),
  createApp,
});
