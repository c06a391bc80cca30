import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Analytics, type HTTPFetchFn } from '@segment/analytics-node';
import type { SinkLogger } from '../dataset-sink.js';
import type { SegmentMessage } from '../domain/segment-events.js';
import type { SegmentPort } from '../segment-publisher.js';

export interface AnalyticsNodeSegmentOptions {
  /** Segment source write key (a secret: never logged). */
  writeKey: string;
  /** Defaults to https://api.segment.io; a local receiver or proxy in tests and air-gapped setups. */
  host?: string;
  /** Calls per batch before a flush. */
  flushAt?: number;
  flushIntervalMs?: number;
  /** Retries of a failed batch (5xx, 429, network) with exponential backoff; after that the batch is reported lost. */
  maxRetries?: number;
  httpRequestTimeoutMs?: number;
  /** How long shutdown waits for queued and retrying batches. */
  closeTimeoutMs?: number;
  logger: SinkLogger;
}

export class SegmentClosedError extends Error {
  override readonly name = 'SegmentClosedError';
  readonly code = 'SYNTH_SEGMENT_CLOSED';
}

/**
 * The SegmentPort over the official client, which does the batching, retries with backoff (honouring Retry-After),
 * and the flush on close. A batch given up on is logged with its messageIds, so the loss is visible.
 */
export class AnalyticsNodeSegment implements SegmentPort {
  readonly client: Analytics;
  private readonly http = new KeepAliveHttp();
  private closed = false;
  private delivered = 0;
  private failed = 0;

  constructor(private readonly o: AnalyticsNodeSegmentOptions) {
    this.client = new Analytics({
      writeKey: o.writeKey,
      ...(o.host ? { host: o.host } : {}),
      ...(o.flushAt !== undefined ? { flushAt: o.flushAt } : {}),
      ...(o.flushIntervalMs !== undefined ? { flushInterval: o.flushIntervalMs } : {}),
      ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
      ...(o.httpRequestTimeoutMs !== undefined ? { httpRequestTimeout: o.httpRequestTimeoutMs } : {}),
      httpClient: this.http.fetch,
    });
  }

  /** Calls Segment acknowledged, and calls given up on after the retries, since start. */
  get counts(): { delivered: number; failed: number } {
    return { delivered: this.delivered, failed: this.failed };
  }

  async send(message: SegmentMessage): Promise<void> {
    if (this.closed) {
      throw new SegmentClosedError(`Segment client is closed; ${message.messageId} was not sent`);
    }
    const done = (err?: unknown) => {
      if (err === undefined) {
        this.delivered += 1;
        return;
      }
      this.failed += 1;
      this.o.logger.error(
        { err, messageId: message.messageId, type: message.type },
        'Segment did not accept a call after its retries',
      );
    };
    const common = {
      userId: message.userId,
      messageId: message.messageId,
      timestamp: message.timestamp,
      context: message.context,
    };
    if (message.type === 'identify') this.client.identify({ ...common, traits: message.traits }, done);
    else this.client.track({ ...common, event: message.event, properties: message.properties }, done);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.closeAndFlush(
      this.o.closeTimeoutMs !== undefined ? { timeout: this.o.closeTimeoutMs } : undefined,
    );
    this.http.close();
    this.o.logger.info({ ...this.counts }, 'Segment client flushed and closed');
  }
}

/**
 * The client's requests over connections of its own: with the global fetch, the connections to Segment stayed open
 * for their keep-alive time after close (seconds of open sockets in a process that had returned, issue 13); these
 * are closed with the client.
 */
class KeepAliveHttp {
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };

  readonly fetch: HTTPFetchFn = (url, init) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: init.method,
          headers: init.headers,
          agent: secure ? this.agents.https : this.agents.http,
          ...(init.signal ? { signal: init.signal as AbortSignal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              // Retry-After among them: the client honours it.
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([key, value]) => [
                  key,
                  Array.isArray(value) ? value.join(', ') : value,
                ]),
              ),
              text: async () => text,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
