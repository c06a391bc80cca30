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
 * Records on `replies` each line this gateway hands to Twilio, marked with SPOKEN_HEADER: the dataset's transcript is
 * made of these records only, so it holds the words the leg heard, never a line the engine produced that no leg
 * said (a gateway that crashed while holding the webhook, a call Twilio had already ended) and never the engine's
 * line where a fallback was spoken (the engine's line first on the topic after a broker restart). The leg is
 * answered once the record is written or after `waitMs` at most; a publish that fails while the broker is away is
 * tried again in the background.
 */
export class SpokenLines {
  private readonly pending = new Set<Promise<void>>();
  private closing: (() => void) | undefined;
  private readonly closed = new Promise<void>((resolve) => {
    this.closing = resolve;
  });
  private isClosed = false;

  constructor(private readonly d: SpokenLinesDeps) {}

  /**
   * Resolves once the record is written, or after `waitMs` while it keeps trying in the background. Written before
   * the leg is answered, a crash of this gateway can only lose a line that was not said yet.
   */
  async record(reply: ReplyReady, waitMs = 0): Promise<void> {
    const work: Promise<void> = this.publish(reply).finally(() => this.pending.delete(work));
    this.pending.add(work);
    if (waitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
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
            'could not record the line spoken: the dataset will miss this turn',
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
