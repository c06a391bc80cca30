import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test-support/harness.js';

const harnesses: Harness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function startOps() {
  const h = await startHarness();
  harnesses.push(h);
  expect(h.app.ops.server.listening).toBe(false);
  const { port } = await h.app.ops.listen(0);
  return { h, get: (path: string) => fetch(`http://127.0.0.1:${port}${path}`) };
}

describe('twiml-gateway createApp', () => {
  it('answers /healthz, and /readyz with 200 once consumers are live and webhooks are served', async () => {
    const { get } = await startOps();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('is not ready once its consumers are closed', async () => {
    const { h, get } = await startOps();
    await h.app.gateway.close();
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failing: ['consumers'] });
  });

  it('serves metrics labelled with the service, our own families prefixed synthcall_', async () => {
    const { get } = await startOps();
    const text = await (await get('/metrics')).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
    expect(families).toEqual(
      expect.arrayContaining([
        'synthcall_build_info',
        'synthcall_webhook_duration_seconds',
        'synthcall_webhooks_total',
        'synthcall_signature_failures_total',
        'synthcall_reply_wait_seconds',
        'synthcall_fallback_turns_total',
        'synthcall_active_calls',
      ]),
    );
    expect(
      families
        .filter((name) => !/^(process|nodejs)_/.test(name))
        .every((name) => name.startsWith('synthcall_')),
    ).toBe(true);
  });

  it('reads replies and plans in consumer groups of its own, so every replica sees every reply', async () => {
    const { h } = await startOps();
    expect(h.app.gateway.groups.replies).toContain('test');
    expect(h.app.gateway.groups.replies).not.toBe(h.app.gateway.groups.calls);
  });

  it('lets a held webhook answer with a redirect when shutdown releases it', async () => {
    const h = await startHarness({ env: { REPLY_HOLD_MS: '10000', REPLY_TIMEOUT_MS: '20000' } });
    harnesses.push(h);
    await h.plan('call-1');
    const pending = h.post('/twilio/wait?callId=call-1&role=agent&turn=0&waited=0', {
      CallSid: 'CA0000000000000000000000000000a001',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const step of h.app.shutdownSteps.slice(0, 1)) await step.run();
    const res = await pending;
    expect(await res.text()).toMatch(/<Pause length="1"\/><Redirect method="POST">/);
  });
});
