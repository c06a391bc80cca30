import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `check` every 250 ms until it returns true or `deadlineMs` passes; false on timeout. */
export async function until(check: () => Promise<boolean>, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Starts the Debian `prometheus` binary on loopback, scraping `targets` (job = service) every second, with its data
 * in `dir`; `ruleGroups` (a PrometheusRule's `spec.groups`) are loaded as a rules file and evaluated every second.
 * The caller stops it by pid through `stop()`.
 */
export async function startPrometheus(
  dir: string,
  targets: Record<string, string>,
  ruleGroups: readonly unknown[] = [],
): Promise<RunningPrometheus> {
  const rules = join(dir, 'rules.yml');
  if (ruleGroups.length) await writeFile(rules, stringify({ groups: ruleGroups }));
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    ...(ruleGroups.length ? { rule_files: [rules] } : {}),
    scrape_configs: Object.entries(targets).map(([job, target]) => ({
      job_name: job,
      static_configs: [{ targets: [target] }],
    })),
  };
  const file = join(dir, 'prometheus.yml');
  await writeFile(file, stringify(config));
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const ready = await until(async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  if (!ready) {
    child.kill('SIGTERM');
    throw new Error('prometheus did not become ready within 30 s');
  }
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
