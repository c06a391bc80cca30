import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@synthcall/ops-server/testing';
import { afterEach, describe, expect, it } from 'vitest';

// These spawn the real entry point under tsx: slow-ish (a second or two each), so there are only two.
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const started: ServiceProcess[] = [];
const REQUIRED = { GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000', TWILIO_AUTH_TOKEN: 'main-test-token' };

afterEach(() => {
  for (const proc of started.splice(0)) proc.kill();
});

function start(env: Record<string, string>): ServiceProcess {
  const proc = new ServiceProcess({ cwd: serviceDir, env });
  started.push(proc);
  return proc;
}

describe('twiml-gateway main', () => {
  it('serves webhooks and ops on the given ports, becomes ready and exits 0 on SIGTERM', async () => {
    const proc = start({ ...REQUIRED, OPS_PORT: '0', PORT: '0', LOG_LEVEL: 'info' });
    const webhooks = await proc.waitForLog('webhook server listening', 20_000);
    expect(webhooks).toMatchObject({ service: 'twiml-gateway', host: '127.0.0.1' });
    const unsigned = await fetch(`http://127.0.0.1:${String(webhooks.port)}/twilio/voice`, {
      method: 'POST',
    });
    expect(unsigned.status).toBe(400);
    const listening = await proc.waitForLog('ops server listening', 20_000);
    expect(listening).toMatchObject({ service: 'twiml-gateway', host: '127.0.0.1' });

    const ready = await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`);
    expect(ready.status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    expect(proc.logLines.map((line) => line.msg)).toContain('shutdown finished');
  }, 40_000);

  it('exits 1 naming OPS_PORT when it is not a number', async () => {
    const proc = start({ ...REQUIRED, OPS_PORT: 'abc' });
    expect(await proc.waitForExit(20_000)).toEqual({ code: 1, signal: null });
    expect(proc.stderr).toContain('OPS_PORT: must be an integer');
  }, 30_000);
});
