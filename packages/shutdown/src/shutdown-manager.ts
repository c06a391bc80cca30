import { ShutdownError } from './errors.js';

/** The slice of a pino logger the manager uses, so this package does not depend on pino. */
export interface ShutdownLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface StepOptions {
  /** How long the step may take before it is abandoned and counted as failed. */
  timeoutMs?: number;
}

export interface StepResult {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: ShutdownError;
}

export interface ShutdownManagerOptions {
  logger: ShutdownLogger;
  defaultTimeoutMs?: number;
  /** Injected clock, milliseconds. */
  now?: () => number;
}

/** Where signals come from; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * The IPC channel to the process that spawned this one, when there is one (`process` in production). A parent that
 * dies without stopping its children (SIGKILL, a crash) closes the channel: `disconnect` fires and this process shuts
 * down instead of running on as an orphan.
 */
export interface ParentChannel {
  readonly connected: boolean;
  once(event: 'disconnect', listener: () => void): unknown;
  off(event: 'disconnect', listener: () => void): unknown;
}

export interface SignalHandlerOptions {
  signals?: readonly NodeJS.Signals[];
  source?: SignalSource;
  /**
   * Shut down when the parent's IPC channel closes; only watched when the process was spawned with one. Default:
   * `process` when `source` is `process`, else none (a test's fake signals watch no real parent).
   */
  parent?: ParentChannel;
  /** Called once with the exit code after the last step. */
  exit?: (code: number) => void;
}

interface Step {
  name: string;
  run: () => Promise<void> | void;
  timeoutMs: number;
}

/**
 * Runs named steps in the order they were added (stop intake → drain → flush → close), once. Each step is bounded
 * by its timeout; a failed or timed-out step is logged and recorded and the next step still runs, because a stuck
 * consumer must not stop the producer from flushing. Resolves with the exit code: 0 when every step succeeded.
 */
export class ShutdownManager {
  readonly #steps: Step[] = [];
  readonly #logger: ShutdownLogger;
  readonly #defaultTimeoutMs: number;
  readonly #now: () => number;
  #running: Promise<number> | undefined;
  #results: StepResult[] = [];

  constructor({ logger, defaultTimeoutMs = 10_000, now = Date.now }: ShutdownManagerOptions) {
    this.#logger = logger;
    this.#defaultTimeoutMs = defaultTimeoutMs;
    this.#now = now;
  }

  add(
    name: string,
    run: () => Promise<void> | void,
    { timeoutMs = this.#defaultTimeoutMs }: StepOptions = {},
  ): this {
    if (this.#running) {
      throw new ShutdownError(
        'SYNTH_SHUTDOWN_STARTED',
        `cannot add step "${name}": shutdown has already started`,
      );
    }
    if (this.#steps.some((step) => step.name === name)) {
      throw new Error(`shutdown step "${name}" is already registered`);
    }
    this.#steps.push({ name, run, timeoutMs });
    return this;
  }

  get isShuttingDown(): boolean {
    return this.#running !== undefined;
  }

  /** What each step did, in order; complete once `shutdown()` has resolved. */
  get results(): readonly StepResult[] {
    return this.#results;
  }

  /** Starts the shutdown, or returns the one already running. */
  shutdown(reason: string): Promise<number> {
    this.#running ??= this.#runSteps(reason);
    return this.#running;
  }

  /**
   * Turns the given signals into one shutdown followed by `exit(code)`. Call it from `main`; nothing is registered on
   * import. A repeated signal is logged and ignored: restarting would run the close steps twice. Returns a function
   * that removes the handlers. A process spawned with an IPC channel (by `synthcall up`) also shuts down when that
   * channel closes, so a parent killed outright leaves no orphans.
   */
  installSignalHandlers({
    signals = ['SIGTERM', 'SIGINT'],
    source = process,
    parent = source === process ? process : undefined,
    exit = (code) => process.exit(code),
  }: SignalHandlerOptions = {}): () => void {
    const onSignal = (signal: NodeJS.Signals | 'parent gone') => {
      if (this.isShuttingDown) {
        this.#logger.warn({ signal }, 'shutdown already in progress; signal ignored');
        return;
      }
      void this.shutdown(signal).then(exit);
    };
    const onParentGone = () => onSignal('parent gone');
    const watched = parent?.connected ? parent : undefined;
    watched?.once('disconnect', onParentGone);
    for (const signal of signals) source.on(signal, onSignal);
    return () => {
      for (const signal of signals) source.off(signal, onSignal);
      watched?.off('disconnect', onParentGone);
    };
  }

  async #runSteps(reason: string): Promise<number> {
    const started = this.#now();
    this.#logger.info({ reason, steps: this.#steps.map((step) => step.name) }, 'shutdown started');
    for (const step of this.#steps) {
      this.#results.push(await this.#runStep(step));
    }
    const failed = this.#results.filter((result) => !result.ok).map((result) => result.name);
    const exitCode = failed.length === 0 ? 0 : 1;
    this.#logger.info({ reason, failed, exitCode, durationMs: this.#now() - started }, 'shutdown finished');
    return exitCode;
  }

  async #runStep(step: Step): Promise<StepResult> {
    const started = this.#now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ShutdownError(
            'SYNTH_SHUTDOWN_STEP_TIMEOUT',
            `shutdown step "${step.name}" did not finish within ${step.timeoutMs} ms`,
          ),
        );
      }, step.timeoutMs);
    });
    try {
      // `async () => step.run()` turns a synchronous throw into a rejection.
      await Promise.race([(async () => step.run())(), timeout]);
      const durationMs = this.#now() - started;
      this.#logger.info({ step: step.name, durationMs }, 'shutdown step done');
      return { name: step.name, ok: true, durationMs };
    } catch (cause) {
      const error =
        cause instanceof ShutdownError
          ? cause
          : new ShutdownError('SYNTH_SHUTDOWN_STEP_FAILED', `shutdown step "${step.name}" failed`, { cause });
      const durationMs = this.#now() - started;
      this.#logger.error(
        { step: step.name, durationMs, err: error, code: error.code },
        'shutdown step failed',
      );
      return { name: step.name, ok: false, durationMs, error };
    } finally {
      clearTimeout(timer);
    }
  }
}
