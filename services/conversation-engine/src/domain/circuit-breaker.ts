export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial request is let through. */
  cooldownMs: number;
  now: () => number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * Stops calling a model that keeps failing: after `failureThreshold` consecutive failures every request is refused
 * (the caller speaks a fallback at once instead of waiting on timeouts) until `cooldownMs` passed; then one trial
 * request decides whether it closes again.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.options.now() - this.openedAt >= this.options.cooldownMs)
      this.move('half_open');
    return this.current;
  }

  /** Whether a request may go out now; in half-open only one trial at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half_open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.move('closed');
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === 'half_open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.options.now();
      this.move('open');
    }
  }

  private move(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
