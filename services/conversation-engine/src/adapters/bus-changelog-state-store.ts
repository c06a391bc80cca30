import { randomUUID } from 'node:crypto';
import { type EventBus, partitionFor, type Subscription } from '@synthcall/event-bus';
import { type ConversationState, TOPICS, type TopicBinding } from '@synthcall/schemas';
import type { CallState } from '../domain/conversation.js';
import type { StateStore } from '../domain/state-store.js';
import { fromRecord, toRecord } from '../state-codec.js';

const SYNC_PREFIX = '__engine-sync__';

export interface BusChangelogStateStoreOptions {
  bus: EventBus;
  topic?: TopicBinding<'ConversationState'>;
  /** Partitions of the changelog topic (the manifest's count by default). */
  partitions?: number;
  /** Consumer group prefix; each instance reads the whole changelog under its own group. */
  groupPrefix?: string;
  instanceId?: string;
  now?: () => number;
  onInvalid?: (callId: string, error: unknown) => void;
  /**
   * Ended calls held in memory, newest first (default 1,000): a late or redelivered event of a recently ended call
   * still finds its state (no second greeting, a late fallback still relabels the call); older ones are dropped, so
   * memory does not grow with the calls handled. The changelog topic keeps every call either way.
   */
  retainEnded?: number;
}

export const DEFAULT_RETAIN_ENDED = 1_000;
/** How many dropped calls' ids are remembered per call held: an id costs far less than a call's state. */
const FORGOTTEN_PER_RETAINED = 20;

/**
 * State on the compacted `conversation-state` topic, keyed by callId. `load` reads it from the beginning under an
 * instance-unique group; the port has no end-offset API, so it knows it has caught up by writing a sync marker to
 * every partition and waiting until it has read all of them back (each marker lands after everything before it).
 */
export class BusChangelogStateStore implements StateStore {
  private readonly states = new Map<string, CallState>();
  /** Ended calls in the order they ended: the first is dropped when there are more than `retainEnded`. */
  private readonly ended = new Set<string>();
  /** Ids of ended calls dropped from memory, the newest `FORGOTTEN_PER_RETAINED × retainEnded` (ids only). */
  private readonly dropped = new Set<string>();
  private readonly topic: TopicBinding<'ConversationState'>;
  private readonly partitions: number;
  private readonly instanceId: string;
  private subscription: Subscription | undefined;
  private pendingMarkers = new Set<string>();
  private caughtUp: (() => void) | undefined;
  /** True while `load` reads the changelog back. */
  private loading = false;

  constructor(private readonly options: BusChangelogStateStoreOptions) {
    this.topic = options.topic ?? TOPICS.conversationState;
    this.partitions = options.partitions ?? TOPICS.conversationState.partitions;
    this.instanceId = options.instanceId ?? randomUUID();
  }

  private markerKeys(): string[] {
    const keys = new Map<number, string>();
    for (let i = 0; keys.size < this.partitions && i < 10_000; i++) {
      const key = `${SYNC_PREFIX}:${this.instanceId}:${i}`;
      const p = partitionFor(Buffer.from(key), this.partitions);
      if (!keys.has(p)) keys.set(p, key);
    }
    return [...keys.values()];
  }

  async load(): Promise<void> {
    const keys = this.markerKeys();
    this.pendingMarkers = new Set(keys);
    this.loading = true;
    const done = new Promise<void>((resolve) => {
      this.caughtUp = resolve;
    });
    this.subscription = await this.options.bus.subscribe({
      topic: this.topic,
      group: `${this.options.groupPrefix ?? 'conversation-engine-state'}-${this.instanceId}`,
      ephemeral: true,
      fromBeginning: true,
      handler: async ({ key, value }) => this.apply(key, value),
    });
    const now = new Date(this.options.now?.() ?? Date.now());
    for (const key of keys) await this.options.bus.publish(this.topic, key, markerRecord(key, now));
    await done;
  }

  private apply(key: string, value: ConversationState): void {
    if (key.startsWith(SYNC_PREFIX)) {
      if (this.pendingMarkers.delete(key) && this.pendingMarkers.size === 0) {
        this.loading = false;
        this.trimToNewestEnded();
        this.caughtUp?.();
      }
      return;
    }
    let state: CallState;
    try {
      state = fromRecord(value);
    } catch (error) {
      // A record this version cannot read must not stop the rebuild of every other call.
      this.options.onInvalid?.(key, error);
      return;
    }
    const held = this.states.get(state.callId);
    if (!held || held.version < state.version) this.hold(state);
  }

  private hold(state: CallState): void {
    this.states.set(state.callId, state);
    if (state.status !== 'ended' || this.ended.has(state.callId)) return;
    this.ended.add(state.callId);
    // While the changelog is read back, records arrive in partition order, not in the order calls ended: nothing is
    // dropped until the store has caught up, and then the calls that ended last are the ones kept.
    if (!this.loading) this.dropOldestEnded();
  }

  /** Drops the first-ended calls beyond `retainEnded` (`ended` is in the order calls ended). */
  private dropOldestEnded(): void {
    const limit = this.options.retainEnded ?? DEFAULT_RETAIN_ENDED;
    for (const oldest of this.ended) {
      if (this.ended.size <= limit) break;
      this.ended.delete(oldest);
      this.states.delete(oldest);
      this.dropped.add(oldest);
    }
    for (const oldest of this.dropped) {
      if (this.dropped.size <= limit * FORGOTTEN_PER_RETAINED) break;
      this.dropped.delete(oldest);
    }
  }

  forgotten(callId: string): boolean {
    return this.dropped.has(callId);
  }

  /** After the rebuild: `ended` put in the order of the calls' last update, then the oldest dropped. */
  private trimToNewestEnded(): void {
    const byAge = [...this.ended].sort(
      (a, b) => (this.states.get(a)?.updatedAt ?? 0) - (this.states.get(b)?.updatedAt ?? 0),
    );
    this.ended.clear();
    for (const id of byAge) this.ended.add(id);
    this.dropOldestEnded();
  }

  get(callId: string): CallState | undefined {
    return this.states.get(callId);
  }

  async put(state: CallState): Promise<void> {
    this.hold(state);
    await this.options.bus.publish(this.topic, state.callId, toRecord(state));
  }

  /** Calls held in memory: every active one and the newest `retainEnded` ended ones. */
  get size(): number {
    return this.states.size;
  }

  active(): CallState[] {
    return [...this.states.values()].filter((s) => s.status === 'active');
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}

function markerRecord(key: string, now: Date): ConversationState {
  return {
    callId: key,
    version: 0,
    updatedAt: now,
    status: 'ended',
    turn: 0,
    maxTurns: 0,
    customerId: '',
    agentId: '',
    seed: '',
    customerHistory: [],
    agentHistory: [],
    endReason: null,
    endedBy: null,
    tokensUsed: 0,
    fallbackTurns: 0,
    providerState: null,
  };
}
