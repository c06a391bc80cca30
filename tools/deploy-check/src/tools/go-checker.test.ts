import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckerError, runChecker } from './go-checker.js';

let dir = '';
const script = async (name: string, body: string) => {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'go-checker-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runChecker (the exit convention of the Go checkers)', () => {
  it('returns the summary on exit 0, with the input on stdin', async () => {
    const bin = await script('ok', 'read line; echo "ok: $line"');
    expect(await runChecker(bin, 'X_CHECK', [], 'kind: Service\n')).toEqual({
      ok: true,
      stdout: 'ok: kind: Service\n',
    });
  });

  it('returns one problem per stderr line on exit 1', async () => {
    const bin = await script('bad', 'echo "a: wrong" >&2; echo "b: missing" >&2; exit 1');
    expect(await runChecker(bin, 'X_CHECK', [])).toEqual({ ok: false, problems: ['a: wrong', 'b: missing'] });
  });

  it('throws _FAILED when the checker fails as a program (exit 2), and _MISSING when it is not installed', async () => {
    const broken = await script('broken', 'echo "cannot read input" >&2; exit 2');
    await expect(runChecker(broken, 'X_CHECK', [])).rejects.toMatchObject({
      code: 'SYNTH_DEPLOY_X_CHECK_FAILED',
      message: expect.stringContaining('cannot read input'),
    });
    const missing = runChecker(join(dir, 'absent'), 'X_CHECK', []);
    await expect(missing).rejects.toBeInstanceOf(CheckerError);
    await expect(missing).rejects.toMatchObject({
      code: 'SYNTH_DEPLOY_X_CHECK_MISSING',
      message: expect.stringContaining('install-tools.sh'),
    });
  });
});
