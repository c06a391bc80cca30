import { Writable } from 'node:stream';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import type { ServiceApp } from '@synthcall/ops-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { loadConversationEngineConfig } from './config.js';

const apps: ServiceApp[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) {
    for (const step of app.shutdownSteps) await step.run();
    await app.ops.close();
  }
});

async function startApp() {
  const logger = createLogger({
    service: 'conversation-engine',
    version: 'test',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  const registry = createMetricsRegistry({ service: 'conversation-engine', version: 'test' });
  const app = await createApp({ config: loadConversationEngineConfig({}), logger, registry });
  apps.push(app);
  expect(app.ops.server.listening).toBe(false);
  const { port } = await app.ops.listen(0);
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('conversation-engine createApp', () => {
  it('answers /healthz and /readyz with 200', async () => {
    const get = await startApp();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves metrics labelled with the service, our own families prefixed synthcall_', async () => {
    const get = await startApp();
    const text = await (await get('/metrics')).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
    expect(families).toContain('synthcall_build_info');
    // Node's default process_/nodejs_ metrics keep their standard names; everything else is ours.
    expect(
      families
        .filter((name) => !/^(process|nodejs)_/.test(name))
        .every((name) => name.startsWith('synthcall_')),
    ).toBe(true);
    expect(text).toContain('synthcall_build_info{version="test",service="conversation-engine"} 1');
  });
});
