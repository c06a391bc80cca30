/**
 * What the sim keeps of things that are over (ended legs, completed conferences, recordings and transcripts): the
 * newest `limit` of them, each kind on its own. Twilio keeps them for months; a sim that ran thousands of calls would
 * otherwise hold every one in memory. Something not over yet is never forgotten.
 */
export class Retention {
  /** Insertion order is the order things finished in: the first entry is the oldest. */
  private readonly finished = new Map<string, () => void>();

  constructor(private readonly limit: number) {}

  /** `key` is over; `forget` removes it once `limit` newer ones have finished. A key counts once. */
  finish(key: string, forget: () => void): void {
    if (this.finished.has(key)) return;
    this.finished.set(key, forget);
    while (this.finished.size > this.limit) {
      const [oldest, drop] = this.finished.entries().next().value as [string, () => void];
      this.finished.delete(oldest);
      drop();
    }
  }

  get size(): number {
    return this.finished.size;
  }
}
