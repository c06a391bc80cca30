import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook the test app received. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  /** The full URL the sim called (what it signed). */
  url: string;
  params: Record<string, string>;
  raw: string;
  signature: string | undefined;
  contentType: string | undefined;
  at: number;
}

export interface AppReply {
  status?: number;
  contentType?: string;
  body?: string;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
}

/** A promise holds the answer until the test settles it (a webhook in flight for as long as the test wants). */
export type AppHandler = (
  hook: ReceivedWebhook,
) => AppReply | string | undefined | Promise<AppReply | string | undefined>;

/**
 * A tiny TwiML app on 127.0.0.1 for tests: answers each path with a handler, records every request in order.
 * A string reply is TwiML served as text/xml.
 */
export class TwimlApp {
  readonly received: ReceivedWebhook[] = [];
  private readonly handlers = new Map<string, AppHandler>();
  private server: Server | undefined;
  private waiters: Array<{
    predicate: (h: ReceivedWebhook) => boolean;
    resolve: (h: ReceivedWebhook) => void;
  }> = [];
  baseUrl = '';

  on(path: string, handler: AppHandler | AppReply | string): this {
    this.handlers.set(path, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Webhooks received on a path (query string excluded). */
  at(path: string): ReceivedWebhook[] {
    return this.received.filter((h) => h.path === path);
  }

  /** Resolves with the first received (or future) webhook matching the predicate. */
  waitFor(predicate: (h: ReceivedWebhook) => boolean): Promise<ReceivedWebhook> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((reply) => {
        const send = () => {
          res.writeHead(reply.status ?? 200, { 'Content-Type': reply.contentType ?? 'text/xml' });
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<AppReply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = Buffer.concat(chunks).toString('utf-8');
    const params: Record<string, string> =
      req.method === 'GET'
        ? Object.fromEntries(url.searchParams)
        : req.headers['content-type']?.startsWith('application/json')
          ? {}
          : Object.fromEntries(new URLSearchParams(raw));
    const hook: ReceivedWebhook = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url: `${this.baseUrl}${req.url ?? '/'}`,
      params,
      raw,
      signature: req.headers['x-twilio-signature'] as string | undefined,
      contentType: req.headers['content-type'],
      at: Date.now(),
    };
    this.received.push(hook);
    for (const w of [...this.waiters]) {
      if (w.predicate(hook)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(hook);
      }
    }
    const handler = this.handlers.get(url.pathname);
    const reply = handler ? await handler(hook) : '<Response/>';
    if (reply === undefined) return { body: '<Response/>' };
    return typeof reply === 'string' ? { body: reply } : reply;
  }
}
