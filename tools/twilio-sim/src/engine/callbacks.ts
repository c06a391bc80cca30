import type { HttpMethod } from '../domain/twiml.js';
import type { Clock } from './clock.js';
import type { WebhookClient, WebhookOutcome } from './webhooks.js';

/**
 * Status callbacks are fire-and-forget for the call, but they go out one at a time per stream (a conference, a
 * call), so a receiver sees them in the order they happened, as it would from Twilio on a healthy network.
 */
export class CallbackSender {
  private readonly streams = new Map<string, Promise<unknown>>();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly onSent: (
      stream: string,
      url: string,
      params: Record<string, string>,
      outcome: WebhookOutcome,
    ) => void,
  ) {}

  /** `clock`: the clock of the call the callback is about (its time stands still while the callback is in flight). */
  send(
    stream: string,
    clock: Clock,
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
  ): Promise<void> {
    const previous = this.streams.get(stream) ?? Promise.resolve();
    const next = previous.then(async () => {
      const outcome = await this.webhooks.send({ url, method, params }, clock);
      this.onSent(stream, url, params, outcome);
    });
    this.streams.set(stream, next);
    void next.finally(() => {
      if (this.streams.get(stream) === next) this.streams.delete(stream);
    });
    return next;
  }

  /** Resolves when every callback queued so far has been delivered (or failed). */
  async drain(): Promise<void> {
    while (this.streams.size > 0) await Promise.allSettled([...this.streams.values()]);
  }
}
