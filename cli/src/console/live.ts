import type { EventBus, Subscription } from '@synthcall/event-bus';
import { SPOKEN_HEADER, type TopicBinding } from '@synthcall/schemas';
import { LiveBoard, type LiveSnapshot } from './live-board.js';

/** What the server needs of a live source: a snapshot now, and word when it changed. */
export interface LiveFeed {
  snapshot(): LiveSnapshot;
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** The topics a run writes that the Live view reads (the manifest's, or a run's own `--isolated` ones). */
interface LiveTopics {
  calls: TopicBinding<'CallPlanned'>;
  replies: TopicBinding<'ReplyReady'>;
  callEvents: TopicBinding<'CallLifecycle'>;
  deadLetters: TopicBinding<'DeadLetter'>;
}

export interface LiveWatch extends LiveFeed {
  close(): Promise<void>;
}

/**
 * Follows a run on its bus: planned calls, the lines the gateway spoke, call ends and dead letters, each in a group
 * of this console alone that only reads what comes after it joined (`ephemeral`: on Kafka the group is removed when
 * the console stops). The console only reads: it publishes nothing.
 */
export async function watchBus(o: {
  bus: EventBus;
  topics: LiveTopics;
  /** Consumer group prefix, unique to this console. */
  group: string;
  source: string;
  now?: () => number;
}): Promise<LiveWatch> {
  const board = new LiveBoard(o.source, o.now ?? Date.now);
  const listeners = new Set<() => void>();
  const changed = (didChange: boolean) => {
    if (didChange) for (const listener of listeners) listener();
  };
  const common = { ephemeral: true, fromBeginning: false, retry: { attempts: 1 } } as const;
  const subscriptions: Subscription[] = [];
  try {
    subscriptions.push(
      await o.bus.subscribe({
        ...common,
        topic: o.topics.calls,
        group: `${o.group}-calls`,
        handler: async ({ value }) => changed(board.planned(value)),
      }),
      await o.bus.subscribe({
        ...common,
        topic: o.topics.replies,
        group: `${o.group}-replies`,
        handler: async ({ value, headers }) => {
          // Only the lines a leg was given: a reply the engine produced may never have been spoken.
          if (headers[SPOKEN_HEADER] === 'true') changed(board.spokenLine(value));
        },
      }),
      await o.bus.subscribe({
        ...common,
        topic: o.topics.callEvents,
        group: `${o.group}-call-events`,
        handler: async ({ value }) => changed(board.lifecycle(value)),
      }),
      await o.bus.subscribe({
        ...common,
        topic: o.topics.deadLetters,
        group: `${o.group}-dead-letters`,
        handler: async () => changed(board.deadLetter()),
      }),
    );
  } catch (err) {
    await Promise.allSettled(subscriptions.map((s) => s.close()));
    throw err;
  }
  return {
    snapshot: () => board.snapshot(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await Promise.allSettled(subscriptions.map((s) => s.close()));
      listeners.clear();
    },
  };
}
