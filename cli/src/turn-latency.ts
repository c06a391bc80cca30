import { type EventBus, percentile } from '@synthcall/event-bus';
import type { TOPICS } from '@synthcall/schemas';

/**
 * A turn's heard → reply latency as a reader of the bus sees it: from the gateway's `heardAt` on an UtteranceHeard to
 * the arrival here of the ReplyReady that answers it (fallback lines are not replies). `generate` and the Kafka
 * replica bench report it; `ephemeral` groups are deleted from the broker when closed.
 */
export async function observeTurnLatency(
  bus: EventBus,
  topics: Pick<typeof TOPICS, 'utterances' | 'replies'>,
  groupName: string,
  options: { ephemeral?: boolean } = {},
) {
  const heardAt = new Map<string, number>();
  const samples: number[] = [];
  const subs = [
    await bus.subscribe({
      topic: topics.utterances,
      group: `${groupName}-heard`,
      ...(options.ephemeral ? { ephemeral: true } : {}),
      handler: async ({ value }) => {
        heardAt.set(`${value.callId}:${value.role}:${value.turn + 1}`, value.heardAt.getTime());
      },
    }),
    await bus.subscribe({
      topic: topics.replies,
      group: `${groupName}-replies`,
      ...(options.ephemeral ? { ephemeral: true } : {}),
      handler: async ({ value }) => {
        const key = `${value.callId}:${value.role}:${value.turn}`;
        const at = heardAt.get(key);
        if (at !== undefined && !value.fallback) {
          samples.push(Date.now() - at);
          heardAt.delete(key);
        }
      },
    }),
  ];
  return {
    percentiles: () => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), samples: sorted.length };
    },
    close: async () => {
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
