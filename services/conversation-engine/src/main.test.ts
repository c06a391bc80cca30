import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@synthcall/ops-server/testing';
import { afterEach, describe, expect, it } from 'vitest';

// These spawn the real entry point under tsx: slow-ish (a second or two each), so there are only two.
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const started: ServiceProcess[] = [];

afterEach(() => {
  for (const proc of started.splice(0)) proc.kill();
});

function start(env: Record<string, string>): ServiceProcess {
  const proc = new ServiceProcess({ cwd: serviceDir, env });
  started.push(proc);
  return proc;
}

describe('conversation-engine main', () => {
  it('becomes ready on the given port and exits 0 on SIGTERM', async () => {
    const proc = start({ OPS_PORT: '0', LOG_LEVEL: 'info' });
    const listening = await proc.waitForLog('ops server listening', 60_000);
    expect(listening).toMatchObject({ service: 'conversation-engine', host: '127.0.0.1' });

    const ready = await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`);
    expect(ready.status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    expect(proc.logLines.map((line) => line.msg)).toContain('shutdown finished');
  }, 90_000);

  it('exits 1 naming OPS_PORT when it is not a number', async () => {
    const proc = start({ OPS_PORT: 'abc' });
    // Bounded, not timed: starting tsx and loading the engine's modules took over 20 s at load 45.
    expect(await proc.waitForExit(60_000)).toEqual({ code: 1, signal: null });
    expect(proc.stderr).toContain('OPS_PORT: must be an integer');
  }, 90_000);
});
