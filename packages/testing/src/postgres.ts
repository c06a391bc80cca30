import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export class TestPostgresError extends Error {
  override readonly name = 'TestPostgresError';
  readonly code = 'SYNTH_TEST_POSTGRES_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface TestPostgres {
  /** A superuser URL of the server (its `postgres` database). */
  url: string;
  /** `env` (DATABASE_URL was set) or `throwaway` (a cluster started for this run). */
  source: 'env' | 'throwaway';
  /** pid of the postmaster this helper started; undefined for `env`. */
  pid: number | undefined;
  /** Stops the throwaway cluster by its pid and removes its folder; nothing for `env`. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "install Debian's PostgreSQL server (`apt-get install postgresql`; .ci/run does this) or set DATABASE_URL to a " +
  'server where this user may CREATE DATABASE';

/** The folder with initdb and postgres: PATH first, else Debian's /usr/lib/postgresql/<version>/bin, newest first. */
export function findPostgresBinDir(
  env: NodeJS.ProcessEnv = process.env,
  root = '/usr/lib/postgresql',
): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** uid and gid of a system user, from /etc/passwd; undefined when there is no such user. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid === undefined || gid === undefined ? undefined : { uid: Number(uid), gid: Number(gid) };
}

/**
 * A real PostgreSQL for integration tests: the server of `DATABASE_URL` when it is set, else a throwaway cluster
 * (initdb into a temporary folder, the postmaster on a free 127.0.0.1 port with its unix socket in that folder).
 * PostgreSQL refuses to run as root, so under uid 0 initdb and postgres run as Debian's `postgres` user through
 * setpriv (which execs, so the pid we hold is the postmaster's). Never skips: missing binaries or user fail with the
 * fix.
 */
export async function startTestPostgres(
  options: {
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    readyTimeoutMs?: number;
    /** Where Debian installs the server versions; a test points it elsewhere. */
    debianRoot?: string;
  } = {},
): Promise<TestPostgres> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (env.DATABASE_URL) {
    log('using the PostgreSQL of DATABASE_URL');
    return { url: env.DATABASE_URL, source: 'env', pid: undefined, stop: async () => undefined };
  }
  const bin = findPostgresBinDir(env, options.debianRoot);
  if (!bin) {
    throw new TestPostgresError(
      `no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin: ${INSTALL_HINT}`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser('postgres') : undefined;
  if (asRoot && !owner) {
    throw new TestPostgresError(
      `running as root, and PostgreSQL refuses to: there is no \`postgres\` system user to run it as (${INSTALL_HINT})`,
    );
  }
  // initdb and postgres as the owner of the cluster; setpriv replaces itself with the program (no extra process).
  const command = (program: string, args: string[]): [string, string[]] =>
    owner
      ? [
          'setpriv',
          [
            `--reuid=${owner.uid}`,
            `--regid=${owner.gid}`,
            '--init-groups',
            '--reset-env',
            '--',
            join(bin, program),
            ...args,
          ],
        ]
      : [join(bin, program), args];

  const dir = mkdtempSync(join(tmpdir(), 'synthcall-pg-'));
  const data = join(dir, 'data');
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  try {
    const [initdb, initArgs] = command('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    execFileSync(initdb, initArgs, { stdio: 'pipe', cwd: dir });
  } catch (cause) {
    cleanup();
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new TestPostgresError(`initdb in ${data} failed: ${stderr || (cause as Error).message}`, { cause });
  }

  const port = await freePort();
  // Durability off: a test cluster is thrown away, and fsyncs cost seconds on a shared disk.
  const [postgres, args] = command('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await stopChild(child);
    cleanup();
  };
  try {
    await waitUntilReady(url, child, options.readyTimeoutMs ?? 30_000, stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`PostgreSQL from ${bin} on 127.0.0.1:${port} (pid ${child.pid}, ${dir})`);
  return { url, source: 'throwaway', pid: child.pid, stop };
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number, stderr: string[]) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) {
      throw new TestPostgresError(`postgres exited during start-up: ${stderr.join('').trim()}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new TestPostgresError(
          `postgres did not accept connections within ${timeoutMs} ms: ${(err as Error).message}\n${stderr.join('')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** SIGINT is PostgreSQL's fast shutdown: sessions are cut, nothing is waited for. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGINT');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A new, empty database on the server of `serverUrl`, so tests sharing a server never share tables. Returns its URL
 * and a drop function (which ends the database's sessions first).
 */
export async function createTestDatabase(
  serverUrl: string,
  prefix = 'synthcall_it',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
