import type { CallState } from './conversation.js';

/**
 * Where the engine keeps call state. Every change is written through `put`; `load` rebuilds the state a previous
 * instance left (the changelog read from its beginning) and resolves only then, so no traffic is taken on stale state.
 */
export interface StateStore {
  load(): Promise<void>;
  get(callId: string): CallState | undefined;
  put(state: CallState): Promise<void>;
  /**
   * Resolves once the store holds what other instances wrote about the call before now (a call a rebalance handed
   * over from a replica that is stopping may be ahead of what this one holds). A store may skip the reading when the
   * state it holds is the one it wrote itself and `fits` says the event at hand fits that state; an event that does
   * not fit (an utterance of a later turn: another replica moved the call on while it had the call) always reads.
   */
  catchUp(callId: string, fits?: (state: CallState) => boolean): Promise<void>;
  /**
   * True for an ended call whose state the store no longer holds in memory (dropped beyond its retention): a late
   * or replayed event of it must be ignored, never taken for a new call.
   */
  forgotten(callId: string): boolean;
  /** Calls not ended yet (for the active-calls gauge after a restart). */
  active(): CallState[];
  close(): Promise<void>;
}
