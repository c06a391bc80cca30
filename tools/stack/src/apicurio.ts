import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Started, startDetached, waitFor } from './processes.js';

export interface ApicurioOptions {
  javaBin: string;
  distDir: string;
  dir: string;
  port: number;
  managementPort: number;
  heap?: string;
}

/** The Confluent-compatible API path of Apicurio Registry 3.x. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

/** The JVM flags of the registry, wherever it runs (here, and in the synthcall/apicurio-registry image). */
export function apicurioJvmFlags(heap = '512m'): string[] {
  return [
    `-Xmx${heap}`,
    '-XX:+UseSerialGC',
    // Canonical comparison on lookups, so a schema that differs only in formatting is found (Apicurio#4831).
    '-Dapicurio.ccompat.use-canonical-hash=true',
    '-Dquarkus.log.console.json=false',
  ];
}

/**
 * Apicurio Registry with its default in-memory H2 storage, bound to loopback. Schemas live as long as the process;
 * `stack:up` registers them again after a restart.
 */
export async function startApicurio(o: ApicurioOptions): Promise<Started> {
  const logsDir = join(o.dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const started = startDetached(
    o.javaBin,
    [
      ...apicurioJvmFlags(o.heap),
      // Marks the process as this stack's, so stop/restart never touches a process that merely reused the pid.
      `-Dsynthcall.stack=${o.dir}`,
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${o.port}`,
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${o.managementPort}`,
      '-jar',
      join(o.distDir, 'quarkus-run.jar'),
    ],
    { cwd: o.dir, logFile: join(logsDir, 'registry.log') },
  );
  const url = `http://127.0.0.1:${o.port}${CCOMPAT_PATH}`;
  await waitFor('Apicurio Registry', () => registryAnswers(url), {
    timeoutMs: 120_000,
    pid: started.pid,
    logFile: join(logsDir, 'registry.log'),
  });
  return started;
}

export async function registryAnswers(url: string): Promise<boolean> {
  const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}
