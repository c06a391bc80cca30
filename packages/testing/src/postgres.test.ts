import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresBinDir, startTestPostgres, TestPostgresError } from './postgres.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pg-find-'));
  dirs.push(d);
  return d;
}

function fakeServer(bin: string): void {
  mkdirSync(bin, { recursive: true });
  for (const program of ['initdb', 'postgres']) {
    writeFileSync(join(bin, program), '#!/bin/sh\nexit 1\n');
    chmodSync(join(bin, program), 0o755);
  }
}

describe('findPostgresBinDir', () => {
  it('prefers initdb and postgres on PATH', () => {
    const onPath = join(tempDir(), 'bin');
    fakeServer(onPath);
    const root = tempDir();
    fakeServer(join(root, '16', 'bin'));
    expect(findPostgresBinDir({ PATH: `/nonexistent:${onPath}` }, root)).toBe(onPath);
  });

  it('falls back to the newest Debian version folder, comparing versions as numbers', () => {
    const root = tempDir();
    fakeServer(join(root, '9', 'bin'));
    fakeServer(join(root, '15', 'bin'));
    // A version folder without the server (client-only package) does not count.
    mkdirSync(join(root, '17', 'bin'), { recursive: true });
    expect(findPostgresBinDir({ PATH: '/nonexistent' }, root)).toBe(join(root, '15', 'bin'));
  });
});

describe('startTestPostgres', () => {
  it('uses DATABASE_URL as it is, starting nothing', async () => {
    const pg = await startTestPostgres({ env: { DATABASE_URL: 'postgres://u@db.test:5432/x' } });
    expect(pg).toMatchObject({ url: 'postgres://u@db.test:5432/x', source: 'env', pid: undefined });
  });

  it('fails with the install command when there are no server binaries, instead of skipping', async () => {
    const error = await startTestPostgres({ env: { PATH: '/nonexistent' }, debianRoot: tempDir() }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TestPostgresError);
    expect((error as Error).message).toMatch(/apt-get install postgresql/);
  });
});
