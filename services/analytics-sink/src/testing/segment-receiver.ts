import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One element of a batch as Segment received it (the client adds sentAt, context.library, _metadata …). */
export type ReceivedMessage = Record<string, unknown> & { type: string; messageId: string };

export interface ReceivedRequest {
  status: number;
  retryCount: number;
  messageIds: string[];
}

export interface SegmentReceiver {
  /** Origin to pass as the client's `host`. */
  readonly url: string;
  /** Messages of every batch answered 200, in arrival order (duplicates kept, so tests can look for them). */
  readonly messages: ReceivedMessage[];
  /** Every POST, answered or failed. */
  readonly requests: ReceivedRequest[];
  /** Requests that broke Segment's documented format, with the reason; a correct client leaves this empty. */
  readonly violations: string[];
  /** The next `count` well-formed batches are answered with `status` (and not recorded as received). */
  failNext(count: number, status: number): void;
  /** Connections from clients open now (a client that keeps one alive after it closed leaks a socket). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one batch element against Segment's HTTP tracking API spec; returns what is wrong, if anything. */
function checkMessage(m: unknown, i: number): string[] {
  if (!isObject(m)) return [`batch[${i}] is not an object`];
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(`batch[${i}] ${what}`);
  };
  need(m.type === 'identify' || m.type === 'track', `has type ${String(m.type)}`);
  need(typeof m.messageId === 'string' && m.messageId.length > 0, 'has no messageId');
  need(typeof m.timestamp === 'string' && !Number.isNaN(Date.parse(m.timestamp)), 'has no ISO timestamp');
  need(
    typeof m.userId === 'string' || typeof m.anonymousId === 'string',
    'has neither userId nor anonymousId',
  );
  need(isObject(m.context), 'has no context object');
  if (m.type === 'identify') need(isObject(m.traits), 'identify has no traits object');
  if (m.type === 'track') {
    need(typeof m.event === 'string' && m.event.length > 0, 'track has no event name');
    need(isObject(m.properties), 'track has no properties object');
  }
  return problems;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Segment-compatible `/v1/batch` endpoint on 127.0.0.1 for tests: Basic auth with the write key as user and an empty
 * password, a JSON body `{batch: [...], sentAt}`. Malformed requests get 400 and are listed in `violations`.
 */
export async function startSegmentReceiver(writeKey: string): Promise<SegmentReceiver> {
  const messages: ReceivedMessage[] = [];
  const requests: ReceivedRequest[] = [];
  const violations: string[] = [];
  const failures: number[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const problems: string[] = [];
      if (req.method !== 'POST' || req.url !== '/v1/batch') problems.push(`${req.method} ${req.url}`);
      if (req.headers.authorization !== expectedAuth) problems.push('Authorization is not Basic <writeKey>:');
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push('not JSON');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        problems.push('body is not JSON');
      }
      const batch = isObject(parsed) && Array.isArray(parsed.batch) ? (parsed.batch as unknown[]) : null;
      if (!batch) problems.push('body has no batch array');
      if (!isObject(parsed) || typeof parsed.sentAt !== 'string') problems.push('body has no sentAt');
      batch?.forEach((m, i) => {
        problems.push(...checkMessage(m, i));
      });
      const ids = (batch ?? []).map((m) => (isObject(m) ? String(m.messageId) : ''));
      const retryCount = Number(req.headers['x-retry-count'] ?? 0);
      let status = 200;
      if (problems.length > 0) {
        violations.push(...problems);
        status = 400;
      } else if (failures.length > 0) {
        status = failures.shift() ?? 500;
      } else {
        messages.push(...(batch as ReceivedMessage[]));
      }
      requests.push({ status, retryCount, messageIds: ids });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { success: true } : { error: 'test receiver' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    violations,
    failNext(count, status) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    connections: () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
      ),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
