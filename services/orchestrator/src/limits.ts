import type { Clock } from './domain/ports.js';

export type Sleep = (ms: number) => Promise<void>;

/**
 * Spaces Twilio call creations at most `cps` per second (Twilio queues excess calls rather than rejecting them,
 * which would silently stretch our timing). Slots are reserved synchronously, so concurrent callers queue up in
 * order. `cps` 0 = no limit.
 */
export class CpsLimiter {
  private nextSlotMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cps: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  async acquire(): Promise<void> {
    if (this.cps <= 0) return;
    const now = this.clock.now().getTime();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + 1000 / this.cps;
    if (slot > now) await this.sleep(slot - now);
  }
}

export interface ConcurrencyGateOptions {
  /** Calls in flight at most; 0 = no limit. */
  max: number;
  /**
   * A slot held longer than this is taken back (0 = never). Twilio's time limit ends every leg by then, so a slot
   * still held means its end event was lost; without this, lost events would stall the orchestrator for good.
   */
  leaseMs?: number;
  clock: Clock;
  sleep: Sleep;
  onLeaseExpired?: (callId: string) => void;
  /**
   * Called when a caller starts waiting for a slot; the function it returns is called once, synchronously, when the
   * caller is woken (or its wait otherwise ends). The orchestrator uses it to say when it is idle.
   */
  onWait?: () => () => void;
}

/**
 * Caps calls in flight in this process. A slot is held by a callId from before the conference is created until a
 * lifecycle event says the call is over (`call_ended`, `conference_ended`, `call_failed`); releasing is idempotent,
 * since several of those arrive for one call.
 */
export class ConcurrencyGate {
  /** callId → when its slot was taken (ms on the injected clock). */
  private readonly active = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: ConcurrencyGateOptions) {}

  get inFlight(): number {
    return this.active.size;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(callId: string): Promise<void> {
    if (this.active.has(callId)) return;
    const { max, leaseMs = 0, clock, sleep } = this.options;
    for (;;) {
      // After close a waiter never returns: its message stays uncommitted and is redelivered after the restart.
      if (this.closed) {
        this.options.onWait?.();
        await new Promise<never>(() => {});
      }
      if (max <= 0 || this.active.size < max) break;
      if (leaseMs <= 0) {
        await this.nextRelease();
        continue;
      }
      const now = clock.now().getTime();
      const oldest = Math.min(...this.active.values());
      if (oldest + leaseMs > now) {
        await this.nextRelease(sleep(oldest + leaseMs - now));
        continue;
      }
      for (const [id, since] of this.active) {
        if (since + leaseMs <= now) {
          this.options.onLeaseExpired?.(id);
          this.release(id);
        }
      }
    }
    this.active.set(callId, clock.now().getTime());
  }

  private async nextRelease(timeout?: Promise<void>): Promise<void> {
    const resume = this.options.onWait?.();
    let resumed = false;
    const resumeOnce = () => {
      if (resumed) return;
      resumed = true;
      resume?.();
    };
    const released = new Promise<void>((wake) =>
      this.waiters.push(() => {
        resumeOnce();
        wake();
      }),
    );
    try {
      await (timeout ? Promise.race([released, timeout]) : released);
    } finally {
      resumeOnce();
    }
  }

  release(callId: string): boolean {
    if (!this.active.delete(callId)) return false;
    // Wake every waiter: each re-checks, and one whose sleep won its race would otherwise swallow the wake-up.
    for (const wake of this.waiters.splice(0)) wake();
    return true;
  }

  /** Parks every waiter for good (see `acquire`), so shutdown never hands a half-done request to dead letters. */
  close(): void {
    this.closed = true;
  }
}
