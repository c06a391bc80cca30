import type { Clock } from './domain/ports.js';
import { OrchestratorError } from './errors.js';

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

/**
 * Caps calls in flight in this process. A slot is held by a callId from before the conference is created until a
 * lifecycle event says the call is over (`call_ended`, `conference_ended`, `call_failed`); releasing is idempotent,
 * since several of those arrive for one call. `max` 0 = no limit.
 */
export class ConcurrencyGate {
  private readonly active = new Set<string>();
  private waiters: Array<{ wake: () => void; fail: (error: Error) => void }> = [];
  private closed = false;

  constructor(private readonly max: number) {}

  get inFlight(): number {
    return this.active.size;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(callId: string): Promise<void> {
    if (this.active.has(callId)) return;
    for (;;) {
      if (this.closed) throw new OrchestratorError('SYNTH_SHUTTING_DOWN', 'the orchestrator is stopping');
      if (this.max <= 0 || this.active.size < this.max) break;
      await new Promise<void>((wake, fail) => this.waiters.push({ wake, fail }));
    }
    this.active.add(callId);
  }

  release(callId: string): boolean {
    if (!this.active.delete(callId)) return false;
    this.waiters.shift()?.wake();
    return true;
  }

  /** Fails every waiter: a request blocked on the cap gives up (and is redelivered later) instead of hanging shutdown. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.fail(new OrchestratorError('SYNTH_SHUTTING_DOWN', 'the orchestrator is stopping'));
    }
  }
}
