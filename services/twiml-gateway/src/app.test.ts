import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    await h.app.shutdownSteps.find((step) => step.name === 'release held webhooks')?.run();
    const res = await pending;
    expect(await res.text()).toMatch(/<Pause length="1"\/><Redirect method="POST">/);
  });

  it('lets replicas share one webhook port (HTTP_REUSE_PORT): connections are spread over them and each answers', async () => {
    const first = await startHarness({ instanceId: 'replica-1', reusePort: true });
    harnesses.push(first);
    const { port } = first.app.server.address() as AddressInfo;
    const second = await startHarness({ instanceId: 'replica-2', port, reusePort: true });
    harnesses.push(second);
    // Each request on a connection of its own: the kernel picks a replica per connection.
    const CONNECTIONS = 32;
    const statuses = await Promise.all(
      Array.from(
        { length: CONNECTIONS },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = request(
              { port, host: '127.0.0.1', path: '/nowhere', method: 'POST', agent: false },
              (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              },
            );
            req.on('error', reject);
            req.end();
          }),
      ),
    );
    expect(statuses.every((s) => s === 404)).toBe(true);
    const onFirst = await first.metric('synthcall_webhooks_total', { route: 'unmatched' });
    const onSecond = await second.metric('synthcall_webhooks_total', { route: 'unmatched' });
    expect(onFirst + onSecond).toBe(CONNECTIONS);
    // 32 connections all hashed to one socket would be a 1-in-2^31 event: both replicas served some.
    expect(onFirst).toBeGreaterThan(0);
    expect(onSecond).toBeGreaterThan(0);
  });

  it('hands its shared port over on shutdown: a request on a connection it holds is answered with Connection: close, new connections reach the successor', async () => {
    const first = await startHarness({ instanceId: 'replica-1', reusePort: true });
    harnesses.push(first);
    const { port } = first.app.server.address() as AddressInfo;
    // Twilio keeps its connection alive between webhooks.
    const twilio = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (agent: Agent | false) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', path: '/nowhere', method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await post(twilio)).headers.connection).toBe('keep-alive');
    const successor = await startHarness({ instanceId: 'replica-2', port, reusePort: true });
    harnesses.push(successor);
    const step = (name: string) => first.app.shutdownSteps.find((s) => s.name === name)?.run();

    await step('stop accepting webhooks');
    // The connection Twilio holds still reaches the first replica, which answers and ends it.
    const held = await post(twilio);
    expect(held.status).toBe(404);
    expect(held.headers.connection).toBe('close');
    for (let i = 0; i < 8; i++) expect((await post(false)).status).toBe(404);
    expect(await first.metric('synthcall_webhooks_total', { route: 'unmatched' })).toBe(2);
    expect(await successor.metric('synthcall_webhooks_total', { route: 'unmatched' })).toBe(8);
    await step('release held webhooks');
    await step('close webhook server');
    expect(first.app.server.listening).toBe(false);
    twilio.destroy();
  });
});
