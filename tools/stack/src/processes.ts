import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Started {
  pid: number;
  logFile: string;
}

/** Starts a long-running process detached from ours (so `stack:up` can exit), output appended to `logFile`. */
export function startDetached(bin: string, args: string[], opts: { cwd: string; logFile: string }): Started {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(bin, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${bin}`);
    child.unref();
    return { pid: child.pid, logFile: opts.logFile };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `pid` is alive and its command line contains `marker` (our stack directory). Guards against killing an
 * unrelated process that reused a recorded pid.
 */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  return readFileSync(cmdline, 'utf8').includes(marker);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isAlive(pid)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  return 'killed';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** Polls `probe` until it resolves true, the process dies, or the timeout passes. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; pid?: number; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new Error(
        `${what} exited during start-up${opts.logFile ? `; last lines of ${opts.logFile}:\n${tail(opts.logFile)}` : ''}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(
    `${what} did not become ready within ${opts.timeoutMs} ms${opts.logFile ? `; see ${opts.logFile}:\n${tail(opts.logFile)}` : ''}`,
  );
}

export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux). On a machine shared with
 * other work, a process's CPU time is the fair measure of its cost: wall time depends on what the neighbours leave.
 */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  // After the command's closing parenthesis: state is the 1st field, utime the 12th, stime the 13th (clock ticks).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}
