import { bindTopic, exampleEvents } from '@synthcall/schemas';
import type { EventBus } from './port.js';

/** The value at percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * The raw bus latency the benchmarks compare against: `n` sequential publishes of an UtteranceHeard to `topicName`
 * (created by the caller), each timed until this bus's own subscriber receives it, after `warmup` untimed ones
 * (connections, JIT). Sorted ascending, in ms.
 */
export async function roundTrips(
  bus: EventBus,
  topicName: string,
  n: number,
  options: { warmup?: number; ephemeral?: boolean } = {},
): Promise<number[]> {
  const warmup = options.warmup ?? 20;
  const topic = bindTopic('UtteranceHeard', topicName);
  const waiters = new Map<number, () => void>();
  const subscription = await bus.subscribe({
    topic,
    group: `${topicName}-g`,
    ...(options.ephemeral ? { ephemeral: true } : {}),
    handler: async (e) => waiters.get(e.value.turn)?.(),
  });
  const base = exampleEvents().UtteranceHeard;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < n + warmup; i++) {
      const received = new Promise<void>((resolve) => waiters.set(i, resolve));
      const t0 = performance.now();
      await bus.publish(topic, `call-${i % 16}`, { ...base, turn: i });
      await received;
      if (i >= warmup) latencies.push(performance.now() - t0);
      waiters.delete(i);
    }
  } finally {
    await subscription.close();
  }
  return latencies.sort((a, b) => a - b);
}
