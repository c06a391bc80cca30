import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createApp } from './app.js';
import { loadConversationEngineConfig } from './config.js';

await runService({
  service: 'conversation-engine',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadConversationEngineConfig(),
  createApp,
});
