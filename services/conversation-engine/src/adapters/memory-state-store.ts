import type { CallState } from '../domain/conversation.js';
import type { StateStore } from '../domain/state-store.js';

export const DEFAULT_RETAIN_ENDED = 1_000;
/** How many dropped calls' ids are remembered per call held: an id costs far less than a call's state. */
const FORGOTTEN_PER_RETAINED = 20;

export interface MemoryStateStoreOptions {
  /**
   * Ended calls held in memory, newest first (default 1,000): a late or redelivered event of a recently ended call
   * still finds its state (no second greeting, a late fallback still relabels the call); older ones are dropped, so
   * memory does not grow with the calls handled, and their ids are remembered as `forgotten`.
   */
  retainEnded?: number;
}

/**
 * State in a Map, bounded by `retainEnded`: the store of the embedded runner on the memory bus (one process, nothing
 * to rebuild after a restart) and of tests (share one instance between engines to model a restart). The changelog
 * store keeps what it holds in one of these.
 */
export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, CallState>();
  /** Ended calls in the order they ended: the first is dropped when there are more than `retainEnded`. */
  private readonly ended = new Set<string>();
  /** Ids of ended calls dropped from memory, the newest `FORGOTTEN_PER_RETAINED × retainEnded` (ids only). */
  private readonly dropped = new Set<string>();
  private readonly retainEnded: number;
  /** While true, nothing is dropped (see `deferDrops`). */
  private deferring = false;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.retainEnded = options.retainEnded ?? DEFAULT_RETAIN_ENDED;
  }

  async load(): Promise<void> {}

  /** One process holds every call: nothing to catch up on. */
  async catchUp(_callId: string, _fits?: (state: CallState) => boolean): Promise<void> {}

  get(callId: string): CallState | undefined {
    return this.states.get(callId);
  }

  forgotten(callId: string): boolean {
    return this.dropped.has(callId);
  }

  async put(state: CallState): Promise<void> {
    this.hold(state);
  }

  /** Holds a state in memory (what `put` does, without its promise). */
  hold(state: CallState): void {
    this.states.set(state.callId, state);
    if (state.status !== 'ended' || this.ended.has(state.callId)) return;
    this.ended.add(state.callId);
    if (!this.deferring) this.dropOldestEnded();
  }

  /**
   * Until `trimToNewestEnded`, no ended call is dropped: states read back from a changelog arrive in partition order,
   * not in the order calls ended, so the calls to keep are known only at the end.
   */
  deferDrops(): void {
    this.deferring = true;
  }

  /** Puts the ended calls in the order of their last update, drops the oldest beyond the bound, stops deferring. */
  trimToNewestEnded(): void {
    const byAge = [...this.ended].sort(
      (a, b) => (this.states.get(a)?.updatedAt ?? 0) - (this.states.get(b)?.updatedAt ?? 0),
    );
    this.ended.clear();
    for (const id of byAge) this.ended.add(id);
    this.deferring = false;
    this.dropOldestEnded();
  }

  /** Drops the first-ended calls beyond `retainEnded` (`ended` is in the order calls ended). */
  private dropOldestEnded(): void {
    for (const oldest of this.ended) {
      if (this.ended.size <= this.retainEnded) break;
      this.ended.delete(oldest);
      this.states.delete(oldest);
      this.dropped.add(oldest);
    }
    for (const oldest of this.dropped) {
      if (this.dropped.size <= this.retainEnded * FORGOTTEN_PER_RETAINED) break;
      this.dropped.delete(oldest);
    }
  }

  /** Calls held in memory: every active one and the newest `retainEnded` ended ones. */
  get size(): number {
    return this.states.size;
  }

  active(): CallState[] {
    return [...this.states.values()].filter((s) => s.status === 'active');
  }

  async close(): Promise<void> {}
}
