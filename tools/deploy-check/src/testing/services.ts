import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ServiceName } from '../image/assemble.js';

// Enough config for each service to start on the in-memory bus with the offline defaults; no network is touched
// before a call request arrives.
export const SERVICE_ENV: Record<ServiceName, Record<string, string>> = {
  orchestrator: {
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'smoke-token',
    TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    TWILIO_FROM: '+15550000001',
    TWILIO_CUSTOMER_TO: '+15550000002',
    TWILIO_AGENT_TO: '+15550000003',
    GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
  },
  'twiml-gateway': {
    GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
    TWILIO_AUTH_TOKEN: 'smoke-token',
    PORT: '0',
  },
  'conversation-engine': { ENGINE_STATE_STORE: 'memory' },
  'analytics-sink': {},
};

export interface Started {
  child: ChildProcess;
  opsPort: number;
  exited: Promise<number | null>;
}

/**
 * Starts a service with `node <args>` in `cwd` (the image's `node dist/main.js`, or the TypeScript source through
 * tsx) and resolves once its ops server logs the port it took. The caller stops it by pid (`child.kill`).
 */
export function startService(
  cwd: string,
  nodeArgs: readonly string[],
  service: ServiceName,
  env: Record<string, string>,
): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', OPS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'ops server listening' && typeof entry.port === 'number') {
        resolve({ child, opsPort: entry.port, exited });
      }
    });
    void exited.then((code) =>
      reject(new Error(`${service} exited with ${code} before listening: ${stderr}`)),
    );
  });
}

/** Metric families a Prometheus text exposition declares (`# TYPE name type`), registered ones without samples too. */
export function metricFamilies(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm))
    families.set(match[1] ?? '', match[2] ?? '');
  return families;
}
