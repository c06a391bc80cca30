import { request } from 'node:http';
import { createMetricsRegistry } from '@synthcall/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { OpsServerError } from './errors.js';
import { createOpsServer, type OpsServer, type ReadinessCheck, waitForSuccessor } from './ops-server.js';

const opened: OpsServer[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((ops) => ops.close()));
});

async function start(checks: Record<string, ReadinessCheck> = {}, checkTimeoutMs?: number) {
  const registry = createMetricsRegistry({ service: 'ops-test', version: '0.0.1', defaultMetrics: false });
  const warnings: Record<string, unknown>[] = [];
  const logger = {
    warn: (details: object) => warnings.push(details as Record<string, unknown>),
    error: () => {},
  };
  const ops = createOpsServer({ registry, checks, logger, ...(checkTimeoutMs ? { checkTimeoutMs } : {}) });
  opened.push(ops);
  const { port, address } = await ops.listen(0);
  return { ops, registry, warnings, port, address, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

describe('createOpsServer', () => {
  it('does not listen until asked, then binds 127.0.0.1 on a free port when given port 0', async () => {
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const ops = createOpsServer({ registry });
    opened.push(ops);
    expect(ops.server.listening).toBe(false);
    const address = await ops.listen(0);
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
  });

  it('answers /healthz with 200', async () => {
    const { url } = await start();
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when every check passes', async () => {
    const { url } = await start({ bus: () => true, registry: async () => true });
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { bus: 'ok', registry: 'ok' } });
  });

  it('answers /readyz with 503 naming the checks that failed, threw or were too slow', async () => {
    const { url, warnings } = await start(
      {
        bus: () => false,
        registry: () => {
          throw new Error('ECONNREFUSED');
        },
        slow: () => new Promise<boolean>(() => {}),
        producer: () => true,
      },
      50,
    );
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      failing: ['bus', 'registry', 'slow'],
      checks: { bus: 'failing', registry: 'failing', slow: 'failing', producer: 'ok' },
    });
    expect(warnings.map((w) => w.check)).toEqual(['registry', 'slow']);
  });

  it('turns /readyz to 503 naming shutdown once shutting down, while /healthz stays 200', async () => {
    const { ops, url } = await start({ bus: () => true });
    ops.markShuttingDown();
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failing: ['shutdown'] });
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('serves the registry on /metrics with its content type', async () => {
    const { url, registry } = await start();
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toContain('synthcall_build_info{version="0.0.1",service="ops-test"} 1');
  });

  it('answers 404 for other paths and ignores query strings on known ones', async () => {
    const { url } = await start();
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics/extra'))).status).toBe(404);
    expect((await fetch(url('/healthz?probe=1'))).status).toBe(200);
  });

  it('answers 405 with Allow: GET for other methods', async () => {
    const { url } = await start();
    const res = await fetch(url('/readyz'), { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('rejects with SYNTH_OPS_LISTEN_FAILED when the port is taken', async () => {
    const { port } = await start();
    const registry = createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const second = createOpsServer({ registry });
    opened.push(second);
    const failure = second.listen(port).catch((error: unknown) => error);
    const error = await failure;
    expect(error).toBeInstanceOf(OpsServerError);
    expect(error).toMatchObject({ code: 'SYNTH_OPS_LISTEN_FAILED', cause: { code: 'EADDRINUSE' } });
  });

  it('closes even while a client holds a keep-alive connection', async () => {
    const { ops, port } = await start();
    await new Promise<void>((resolve, reject) => {
      const agentReq = request(
        { port, host: '127.0.0.1', path: '/healthz', headers: { connection: 'keep-alive' } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      agentReq.on('error', reject);
      agentReq.end();
    });
    await ops.close();
    expect(ops.server.listening).toBe(false);
  });

  it('shares its port with a successor (reusePort); waitForSuccessor sees the successor only once it is ready', async () => {
    const registry = () => createMetricsRegistry({ service: 's', version: 'v', defaultMetrics: false });
    const old = createOpsServer({ registry: registry() });
    opened.push(old);
    const { port } = await old.listen(0, '127.0.0.1', { reusePort: true });
    old.markShuttingDown();
    // Only the stopping one listens, and it answers 503: no successor.
    expect(await waitForSuccessor({ host: '127.0.0.1', port, timeoutMs: 300, intervalMs: 50 })).toBe(false);

    let ready = false;
    const successor = createOpsServer({ registry: registry(), checks: { started: () => ready } });
    opened.push(successor);
    expect((await successor.listen(port, '127.0.0.1', { reusePort: true })).port).toBe(port);
    // Listening but not ready yet: still none.
    expect(await waitForSuccessor({ host: '127.0.0.1', port, timeoutMs: 300, intervalMs: 50 })).toBe(false);
    ready = true;
    expect(await waitForSuccessor({ host: '127.0.0.1', port, timeoutMs: 60_000, intervalMs: 50 })).toBe(true);
  });
});
