import type { EventBus } from '@synthcall/event-bus';
import { callLogger, type Logger } from '@synthcall/logging';
import { type ReplyReady, SPOKEN_HEADER, type TopicBinding } from '@synthcall/schemas';

/** Waits between attempts to record a spoken fallback: about half a minute in all, a broker restart's worth. */
export const SPOKEN_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

export interface SpokenLinesDeps {
  bus: EventBus;
  replies: TopicBinding<'ReplyReady'>;
  logger: Logger;
  /** Headers every record carries besides SPOKEN_HEADER (the gateway's origin). */
  headers: Record<string, string>;
  retryDelaysMs?: readonly number[];
}

/**
 * Records on `replies` each fallback line this gateway spoke, marked with SPOKEN_HEADER, so the dataset holds the
 * words the leg heard even where the topic's order says otherwise (the engine's line for the turn published first,
 * then held up by a broker restart, or missed by a replica that had just started). Recorded in the background: the
 * leg is answered at once, and a publish that fails while the broker is away is tried again.
 */
export class SpokenLines {
  private readonly pending = new Set<Promise<void>>();
  private closing: (() => void) | undefined;
  private readonly closed = new Promise<void>((resolve) => {
    this.closing = resolve;
  });
  private isClosed = false;

  constructor(private readonly d: SpokenLinesDeps) {}

  record(reply: ReplyReady): void {
    const work: Promise<void> = this.publish(reply).finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async publish(reply: ReplyReady): Promise<void> {
    const delays = this.d.retryDelaysMs ?? SPOKEN_RETRY_DELAYS_MS;
    const log = callLogger(this.d.logger, reply.callId);
    const headers = { ...this.d.headers, [SPOKEN_HEADER]: 'true' };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.d.bus.publish(this.d.replies, reply.callId, reply, headers);
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined || this.isClosed) {
          log.error(
            { err, role: reply.role, turn: reply.turn, code: 'SYNTH_SPOKEN_LINE_LOST' },
            'could not record the fallback line spoken: the dataset may hold the engine line for this turn',
          );
          return;
        }
        log.warn(
          { err, role: reply.role, turn: reply.turn, retryInMs: delay },
          'recording the spoken line failed',
        );
        await Promise.race([new Promise((resolve) => setTimeout(resolve, delay).unref()), this.closed]);
      }
    }
  }

  /** Waits for the records in flight; one still failing gets one last attempt, without waiting out its backoff. */
  async close(): Promise<void> {
    this.isClosed = true;
    this.closing?.();
    await Promise.allSettled([...this.pending]);
  }
}
