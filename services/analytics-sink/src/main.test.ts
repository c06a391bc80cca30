import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@synthcall/ops-server/testing';
import { afterEach, describe, expect, it } from 'vitest';

// These spawn the real entry point under tsx: slow-ish (a second or two each), so there are only two.
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const started: ServiceProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const proc of started.splice(0)) proc.kill();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): ServiceProcess {
  const dir = mkdtempSync(join(tmpdir(), 'sink-main-'));
  dirs.push(dir);
  const proc = new ServiceProcess({ cwd: serviceDir, env: { DATASET_DIR: dir, ...env } });
  started.push(proc);
  return proc;
}

describe('analytics-sink main', () => {
  it('becomes ready on the given port and exits 0 on SIGTERM', async () => {
    const proc = start({ OPS_PORT: '0', LOG_LEVEL: 'info' });
    const listening = await proc.waitForLog('ops server listening', 20_000);
    expect(listening).toMatchObject({ service: 'analytics-sink', host: '127.0.0.1' });

    const ready = await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`);
    expect(ready.status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    expect(proc.logLines.map((line) => line.msg)).toContain('shutdown finished');
  }, 40_000);

  it('exits 1 naming OPS_PORT when it is not a number', async () => {
    const proc = start({ OPS_PORT: 'abc' });
    expect(await proc.waitForExit(20_000)).toEqual({ code: 1, signal: null });
    expect(proc.stderr).toContain('OPS_PORT: must be an integer');
  }, 30_000);
});
