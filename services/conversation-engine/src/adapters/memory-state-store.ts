import type { CallState } from '../domain/conversation.js';
import type { StateStore } from '../domain/state-store.js';

/** State in a Map: for tests and the embedded runner. Share one instance between engines to model a restart. */
export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, CallState>();

  async load(): Promise<void> {}

  get(callId: string): CallState | undefined {
    return this.states.get(callId);
  }

  /** Nothing is dropped here. */
  forgotten(_callId: string): boolean {
    return false;
  }

  async put(state: CallState): Promise<void> {
    this.states.set(state.callId, state);
  }

  active(): CallState[] {
    return [...this.states.values()].filter((s) => s.status === 'active');
  }

  async close(): Promise<void> {}
}
