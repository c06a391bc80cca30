/**
 * The sim's time source. `realtime` follows the wall clock; `fast` is a virtual clock that jumps to the next
 * scheduled event as soon as nothing is in flight (no webhook awaiting its answer, no REST request being served),
 * so a call runs as fast as its webhooks answer. A per-call fast clock gives every call (a call pair, a conference,
 * a transcript's processing) a clock of its own (`forCall`), so one call's webhook in flight stops only its time.
 */
export interface Clock {
  readonly mode: 'realtime' | 'fast';
  now(): number;
  /** Runs `fn` at `atMs` (epoch ms, clock time). Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
  /** Resolves after `ms` of clock time, or rejects with the signal's reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks outside work in flight: the fast clock does not jump while any is pending. `quiet` (for requests the
   * sim serves) also keeps it still for a short real-time window afterwards, for the client's next request.
   */
  track<T>(work: Promise<T>, quiet?: boolean): Promise<T>;
  /**
   * Keeps the fast clock still while the sim waits for the outside world (a conference waiting for its next
   * participant), for at most `maxRealMs` of real time. Returns the release function.
   */
  hold(maxRealMs: number): () => void;
  /**
   * The clock one call's events run on. On the per-call fast clock: its own time (starting at the latest instant any
   * call has reached), timers, in-flight work and holds; a hold on the clock it came from still stops it. Every other
   * clock returns itself.
   */
  forCall(): Clock;
  close(): void;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.at(clock.now() + Math.max(0, ms), () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RealtimeClock implements Clock {
  readonly mode = 'realtime' as const;
  private readonly timers = new Set<NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }
  at(atMs: number, fn: () => void): () => void {
    const handle = setTimeout(
      () => {
        this.timers.delete(handle);
        fn();
      },
      Math.max(0, atMs - Date.now()),
    );
    this.timers.add(handle);
    return () => {
      clearTimeout(handle);
      this.timers.delete(handle);
    };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  track<T>(work: Promise<T>, _quiet?: boolean): Promise<T> {
    return work;
  }
  hold(_maxRealMs: number): () => void {
    return () => {};
  }
  forCall(): Clock {
    return this;
  }
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface Timer {
  atMs: number;
  seq: number;
  fn: () => void;
}

export interface VirtualClockOptions {
  startMs: number;
  /**
   * Real milliseconds the clock stays still after outside work ends. A client that creates two participants back
   * to back then sees both join at the same virtual instant instead of one leg's call finishing in between.
   */
  quietMs?: number;
  /**
   * `call` (default): each call gets a clock of its own (`forCall`), so calls do not wait on each other's webhooks.
   * `run`: one clock for everything, so one run's calls share a single timeline (the same seed gives the same call
   * start times whatever the machine's speed, when the client holds the clock while it works).
   */
  scope?: 'call' | 'run';
}

export class VirtualClock implements Clock {
  readonly mode = 'fast' as const;
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];
  private busy = 0;
  private holds = 0;
  private scheduled = false;
  private quietUntil = 0;
  private quietTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly quietMs: number;
  private readonly scope: 'call' | 'run';
  /** Per-call clocks with timers pending: rescheduled when a hold on this clock ends, cleared on close. */
  private readonly waiting = new Set<VirtualClock>();

  constructor(
    options: VirtualClockOptions,
    /** The clock a per-call clock came from: its holds stop this one too, and it keeps the latest instant reached. */
    private readonly parent?: VirtualClock,
  ) {
    this.current = options.startMs;
    this.quietMs = options.quietMs ?? 20;
    this.scope = options.scope ?? 'call';
  }

  now(): number {
    return this.current;
  }

  at(atMs: number, fn: () => void): () => void {
    const timer: Timer = { atMs: Math.max(atMs, this.current), seq: this.seq++, fn };
    this.timers.push(timer);
    this.schedule();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  async track<T>(work: Promise<T>, quiet = false): Promise<T> {
    this.busy++;
    try {
      return await work;
    } finally {
      this.busy--;
      if (quiet) this.quietUntil = Date.now() + this.quietMs;
      this.schedule();
    }
  }

  hold(maxRealMs: number): () => void {
    let held = true;
    this.holds++;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      this.holds--;
      this.schedule();
      if (this.holds === 0) for (const child of this.waiting) child.schedule();
    };
    const timer = setTimeout(release, maxRealMs);
    timer.unref();
    return release;
  }

  forCall(): Clock {
    if (this.scope === 'run' || this.parent) return this;
    return new VirtualClock({ startMs: this.current, quietMs: this.quietMs }, this);
  }

  close(): void {
    this.closed = true;
    this.timers = [];
    if (this.quietTimer) clearTimeout(this.quietTimer);
    for (const child of this.waiting) child.close();
    this.waiting.clear();
    this.parent?.waiting.delete(this);
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // setImmediate runs after pending promise continuations, so work started by the last timer is tracked first.
    setImmediate(() => {
      this.scheduled = false;
      this.step();
    });
  }

  private step(): void {
    if (this.parent) {
      if (this.parent.closed) this.closed = true;
      if (this.timers.length === 0 || this.closed) this.parent.waiting.delete(this);
      else this.parent.waiting.add(this);
    }
    if (this.closed || this.busy > 0 || this.timers.length === 0) return;
    let next = this.timers[0] as Timer;
    for (const t of this.timers) {
      if (t.atMs < next.atMs || (t.atMs === next.atMs && t.seq < next.seq)) next = t;
    }
    // Holds and the quiet window stop time from moving on; what is due now still runs.
    if (next.atMs > this.current) {
      if (this.holds > 0 || (this.parent?.holds ?? 0) > 0) return;
      const wait = this.quietUntil - Date.now();
      if (wait > 0) {
        if (!this.quietTimer) {
          this.quietTimer = setTimeout(() => {
            this.quietTimer = undefined;
            this.schedule();
          }, wait);
        }
        return;
      }
    }
    this.timers = this.timers.filter((t) => t !== next);
    // Never back: the calls' clocks may have moved this one past a timer of its own.
    this.current = Math.max(this.current, next.atMs);
    // A call's clock moves its parent's on to the latest instant reached: the next call starts there.
    if (this.parent && this.current > this.parent.current) this.parent.current = this.current;
    next.fn();
    this.schedule();
  }
}
