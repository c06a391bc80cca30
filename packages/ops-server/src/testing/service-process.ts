import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  /** The service's package directory; `entry` is resolved from it. */
  cwd: string;
  /** The whole environment of the child: nothing is inherited, so a developer's shell cannot change the outcome. */
  env: Record<string, string>;
  entry?: string;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A service started the way `npm run dev` starts it (tsx, source condition), for the few tests that prove the real
 * `main` wiring: it starts, becomes ready, and exits cleanly on SIGTERM.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly logLines: Record<string, unknown>[] = [];
  stderr = '';
  readonly #exited: Promise<ExitResult>;
  readonly #waiters = new Set<() => void>();

  constructor({ cwd, env, entry = 'src/main.ts' }: ServiceProcessOptions) {
    this.child = spawn(process.execPath, ['--conditions=@synthcall/source', '--import', 'tsx', entry], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        try {
          this.logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logLines.push({ raw: line });
        }
        for (const wake of this.#waiters) wake();
      });
    }
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  /** Resolves with the first log line whose `msg` matches, or rejects after `timeoutMs` or if the process exits. */
  waitForLog(msg: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.logLines.find((l) => l.msg === msg);
        if (line) finish(() => resolve(line));
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${this.stderr}`)),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      void this.#exited.then(({ code }) =>
        finish(() => reject(new Error(`exited with ${code} before "${msg}"; stderr: ${this.stderr}`))),
      );
      check();
    });
  }

  /** Resolves with how the process ended; after `timeoutMs` kills it (by pid) and rejects. */
  waitForExit(timeoutMs: number): Promise<ExitResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`did not exit within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
    });
    return Promise.race([this.#exited, timeout]).finally(() => clearTimeout(timer));
  }

  /** Cleanup for `afterEach`: kills the child if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
