import { randomUUID } from 'node:crypto';
import { type EventBus, partitionFor, type Subscription } from '@synthcall/event-bus';
import { type ConversationState, TOPICS, type TopicBinding } from '@synthcall/schemas';
import type { CallState } from '../domain/conversation.js';
import type { StateStore } from '../domain/state-store.js';
import { fromRecord, toRecord } from '../state-codec.js';
import { MemoryStateStore } from './memory-state-store.js';

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
   * Ended calls held in memory (MemoryStateStore's `retainEnded`, default 1,000). The changelog topic keeps every
   * call either way.
   */
  retainEnded?: number;
}

/**
 * State on the compacted `conversation-state` topic, keyed by callId. `load` reads it from the beginning under an
 * instance-unique group; the port has no end-offset API, so it knows it has caught up by writing a sync marker to
 * every partition and waiting until it has read all of them back (each marker lands after everything before it).
 */
export class BusChangelogStateStore implements StateStore {
  /** What is held in memory: every active call and the newest ended ones. */
  private readonly held: MemoryStateStore;
  private readonly topic: TopicBinding<'ConversationState'>;
  private readonly partitions: number;
  private readonly instanceId: string;
  private subscription: Subscription | undefined;
  /** Sync rounds in progress (`load`, `catchUp`), by round number: the markers not read back yet, and the waiter. */
  private readonly rounds = new Map<number, { pending: Set<string>; done: () => void }>();
  private nextRound = 0;
  /** The states this instance wrote (`put`): a call whose held state is one of them needs no catching up. */
  private readonly written = new WeakSet<CallState>();

  constructor(private readonly options: BusChangelogStateStoreOptions) {
    this.held = new MemoryStateStore(
      options.retainEnded !== undefined ? { retainEnded: options.retainEnded } : {},
    );
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
    this.held.deferDrops();
    this.subscription = await this.options.bus.subscribe({
      topic: this.topic,
      group: `${this.options.groupPrefix ?? 'conversation-engine-state'}-${this.instanceId}`,
      ephemeral: true,
      fromBeginning: true,
      handler: async ({ key, value }) => this.apply(key, value),
    });
    await this.sync();
    this.held.trimToNewestEnded();
  }

  /**
   * Resolves once what was written to the changelog about `callId` before the call has been read: another instance
   * may have moved on a call that a rebalance just handed to this one. At once when the state held is the one this
   * instance wrote last and the event fits it (the usual case: one instance per call); otherwise every partition is
   * synced. Without `fits` the own state is trusted: a call handed away and back again while this instance lagged
   * shows as an event that does not fit (see StateStore).
   */
  async catchUp(callId: string, fits: (state: CallState) => boolean = () => true): Promise<void> {
    const state = this.held.get(callId);
    if ((state && this.written.has(state) && fits(state)) || !this.subscription) return;
    await this.sync();
  }

  /** Writes a marker to every partition and waits until all are read back (each lands after what came before). */
  private async sync(): Promise<void> {
    const keys = this.markerKeys();
    const round = this.nextRound++;
    const done = new Promise<void>((resolve) => {
      this.rounds.set(round, { pending: new Set(keys), done: resolve });
    });
    const now = new Date(this.options.now?.() ?? Date.now());
    await Promise.all(
      keys.map((key) => this.options.bus.publish(this.topic, key, markerRecord(key, round, now))),
    );
    await done;
  }

  private apply(key: string, value: ConversationState): void {
    if (key.startsWith(SYNC_PREFIX)) {
      // A marker carries its round in `version`; another instance's markers match no round of this one.
      const round = this.rounds.get(value.version);
      if (round?.pending.delete(key) && round.pending.size === 0) {
        this.rounds.delete(value.version);
        round.done();
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
    const held = this.held.get(state.callId);
    if (!held || held.version < state.version) this.held.hold(state);
  }

  forgotten(callId: string): boolean {
    return this.held.forgotten(callId);
  }

  get(callId: string): CallState | undefined {
    return this.held.get(callId);
  }

  async put(state: CallState): Promise<void> {
    this.held.hold(state);
    this.written.add(state);
    await this.options.bus.publish(this.topic, state.callId, toRecord(state));
  }

  /** Calls held in memory: every active one and the newest `retainEnded` ended ones. */
  get size(): number {
    return this.held.size;
  }

  active(): CallState[] {
    return this.held.active();
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}

function markerRecord(key: string, round: number, now: Date): ConversationState {
  return {
    callId: key,
    version: round,
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
