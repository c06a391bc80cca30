import { MemoryEventBus } from '@synthcall/event-bus';
import { createMetricsRegistry } from '@synthcall/metrics';
import type { ServiceApp } from '@synthcall/ops-server';
import { defaultPersonas } from '@synthcall/personas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCallBudget } from './adapters/memory-call-budget.js';
import { createApp } from './app.js';
import { loadOrchestratorConfig } from './config.js';
import { minimalEnv } from './testing/env.js';
import { FakeTelephony } from './testing/fake-telephony.js';
import { silentLogger } from './testing/harness.js';

const apps: ServiceApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.ops.close()));
});

async function startApp() {
  const registry = createMetricsRegistry({ service: 'orchestrator', version: 'test' });
  const app = createApp({
    config: loadOrchestratorConfig(minimalEnv),
    logger: silentLogger(),
    registry,
    bus: new MemoryEventBus(),
    personas: defaultPersonas(),
    telephony: new FakeTelephony(),
    budget: new MemoryCallBudget(10),
    instanceId: 'test',
  });
  apps.push(app);
  expect(app.ops.server.listening).toBe(false);
  const { port } = await app.ops.listen(0);
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('orchestrator createApp', () => {
  it('answers /healthz and /readyz with 200', async () => {
    const get = await startApp();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves its call metrics, our own families prefixed synthcall_', async () => {
    const get = await startApp();
    const text = await (await get('/metrics')).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
    expect(families).toEqual(
      expect.arrayContaining([
        'synthcall_build_info',
        'synthcall_calls_started_total',
        'synthcall_calls_rejected_total',
        'synthcall_twilio_api_requests_total',
        'synthcall_twilio_api_duration_seconds',
        'synthcall_pairing_score',
        'synthcall_calls_in_flight',
      ]),
    );
    // Node's default process_/nodejs_ metrics keep their standard names; everything else is ours.
    expect(
      families
        .filter((name) => !/^(process|nodejs)_/.test(name))
        .every((name) => name.startsWith('synthcall_')),
    ).toBe(true);
    expect(text).toContain('synthcall_build_info{version="test",service="orchestrator"} 1');
  });
});
