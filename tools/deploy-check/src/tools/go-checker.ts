import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A pinned Go checker (tools/deploy-check/.bin) is missing, or failed as a program rather than finding problems. */
export class CheckerError extends Error {
  override readonly name = 'CheckerError';
  constructor(
    readonly code: `SYNTH_DEPLOY_${string}_MISSING` | `SYNTH_DEPLOY_${string}_FAILED`,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type CheckerOutcome = { ok: true; stdout: string } | { ok: false; problems: string[] };

/**
 * Runs one of the Go checkers install-tools.sh builds, with the shared exit convention: 0 = valid (summary on
 * stdout), 1 = problems (one per stderr line), anything else = the check itself failed. `code` names the checker in
 * the error codes (`SYNTH_DEPLOY_<code>_MISSING` / `_FAILED`).
 */
export async function runChecker(
  bin: string,
  code: string,
  args: string[],
  stdin?: string,
): Promise<CheckerOutcome> {
  const name = basename(bin);
  await access(bin).catch((cause: unknown) => {
    throw new CheckerError(
      `SYNTH_DEPLOY_${code}_MISSING`,
      `${name} is not installed at ${bin}: run tools/deploy-check/install-tools.sh`,
      { cause },
    );
  });
  const pending = run(bin, args, { maxBuffer: 32 * 1024 * 1024 });
  if (stdin !== undefined) pending.child.stdin?.end(stdin);
  try {
    const { stdout } = await pending;
    return { ok: true, stdout };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    if (e.code !== 1) {
      throw new CheckerError(`SYNTH_DEPLOY_${code}_FAILED`, `${name} failed: ${e.stderr ?? String(error)}`, {
        cause: error,
      });
    }
    return { ok: false, problems: (e.stderr ?? '').split('\n').filter(Boolean) };
  }
}
