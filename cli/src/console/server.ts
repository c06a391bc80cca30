import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { computeFidelity } from '@synthcall/analytics-sink/dataset';
import { computeRealism } from '../realism.js';
import { readDataset, renderHtml } from '../report.js';
import type { ConsoleAssets } from './assets.js';
import type { ConsoleDataset } from './dataset.js';
import type { LiveFeed } from './live.js';

export interface ConsoleDeps {
  /** The dataset folder shown by Calls, A call and Report; undefined = Live only. */
  dataset?: ConsoleDataset;
  /** Live call events; undefined = the Live view says no run is attached. */
  live?: LiveFeed;
  assets: ConsoleAssets;
  /**
   * Host header values accepted (host:port). A page of another site that a DNS name pointed at 127.0.0.1 sends its
   * own name, so checking the Host keeps the console's data on this machine's own pages. Empty = any host.
   */
  allowedHosts: readonly string[];
  /** How often the live view gets a fresh snapshot at most, in ms. */
  livePushMs?: number;
}

export interface ConsoleApp {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Ends the open event streams (a server's close waits for them otherwise). */
  close(): void;
}

const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
/** The report page holds no script and needs none. */
const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
    ...headers,
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

/**
 * The console's HTTP handler: the page and its prebuilt assets, a read-only JSON API over the dataset folder, the
 * recordings (with byte ranges, so the audio player can seek), the report, and the live view's event stream. Every
 * method but GET and HEAD is refused: nothing a page sends can change the data.
 */
export function createConsoleApp(deps: ConsoleDeps): ConsoleApp {
  const streams = new Set<ServerResponse>();
  let report: { key: string; html: string } | undefined;

  const needDataset = (): ConsoleDataset => {
    if (!deps.dataset) throw new HttpError(404, 'no dataset: start the console with --dataset DIR');
    return deps.dataset;
  };

  const routes: Array<
    [RegExp, (req: IncomingMessage, res: ServerResponse, m: RegExpMatchArray, url: URL) => Promise<void>]
  > = [
    [
      /^\/$/,
      async (_req, res) =>
        send(res, 200, 'text/html; charset=utf-8', deps.assets.indexHtml, {
          'content-security-policy': PAGE_CSP,
        }),
    ],
    [
      /^\/assets\/([a-z0-9.-]+)$/,
      async (_req, res, m) => {
        const file = deps.assets.files.get(m[1] ?? '');
        if (!file) throw new HttpError(404, 'no such asset');
        send(res, 200, file.type, file.body, { etag: deps.assets.etag });
      },
    ],
    [
      /^\/api\/dataset$/,
      async (_req, res) => {
        const dataset = needDataset();
        json(res, 200, {
          dir: dataset.dir,
          manifest: await dataset.manifest(),
          calls: await dataset.records(),
          personas: await dataset.personaNames(),
        });
      },
    ],
    [
      /^\/api\/calls\/([^/]+)$/,
      async (_req, res, m) => {
        const detail = await needDataset().call(decodeURIComponent(m[1] ?? ''));
        if (!detail) throw new HttpError(404, 'no such call in the dataset');
        json(res, 200, detail);
      },
    ],
    [
      /^\/api\/calls\/([^/]+)\/recording\.wav$/,
      async (req, res, m) => {
        const recording = await needDataset().recordingPath(decodeURIComponent(m[1] ?? ''));
        if (!recording) throw new HttpError(404, 'no recording of this call in the dataset');
        sendRange(req, res, recording.path, recording.bytes);
      },
    ],
    [
      /^\/api\/search$/,
      async (_req, res, _m, url) => {
        const q = (url.searchParams.get('q') ?? '').slice(0, 200);
        json(res, 200, { query: q, hits: await needDataset().search(q) });
      },
    ],
    [
      /^\/report\.html$/,
      async (_req, res) => {
        const dataset = needDataset();
        const key = await dataset.version();
        if (report?.key !== key) {
          // The same figures as `synthcall report`: fidelity and the realism section.
          const calls = await readDataset(dataset.dir);
          const html = renderHtml(computeFidelity(calls), { dir: dataset.dir }, computeRealism(calls));
          report = { key, html };
        }
        send(res, 200, 'text/html; charset=utf-8', report.html, { 'content-security-policy': REPORT_CSP });
      },
    ],
    [
      /^\/api\/live$/,
      async (_req, res) => json(res, 200, deps.live ? deps.live.snapshot() : { attached: false }),
    ],
    [/^\/api\/live\/events$/, async (req, res) => stream(req, res)],
  ];

  const stream = async (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    const live = deps.live;
    const push = () => res.write(`data: ${JSON.stringify(live ? live.snapshot() : { attached: false })}\n\n`);
    push();
    if (!live) return void res.end();
    streams.add(res);
    // Events come in bursts (every line of every call): the page gets at most one snapshot per interval.
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = live.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        push();
      }, deps.livePushMs ?? 250);
    });
    res.on('close', () => {
      clearTimeout(timer);
      unsubscribe();
      streams.delete(res);
    });
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        res,
        405,
        'application/json; charset=utf-8',
        JSON.stringify({ error: 'the console is read-only' }),
        {
          allow: 'GET, HEAD',
        },
      );
      return;
    }
    if (deps.allowedHosts.length > 0 && !deps.allowedHosts.includes(req.headers.host ?? '')) {
      json(res, 421, { error: 'unexpected Host header: open the console by the address it printed' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    for (const [pattern, route] of routes) {
      const m = url.pathname.match(pattern);
      if (!m) continue;
      route(req, res, m, url).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof HttpError) return json(res, err.status, { error: err.message });
        if (err instanceof URIError) return json(res, 400, { error: 'malformed path' });
        const code = (err as { code?: unknown }).code;
        json(res, 500, { error: (err as Error).message, ...(typeof code === 'string' ? { code } : {}) });
      });
      return;
    }
    json(res, 404, { error: 'not found' });
  };

  return {
    handler,
    close() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

/** A file with HTTP byte ranges: a media element seeks by asking for the bytes at the new position. */
function sendRange(req: IncomingMessage, res: ServerResponse, path: string, size: number) {
  const common = {
    'accept-ranges': 'bytes',
    'content-type': 'audio/wav',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (req.headers.range !== undefined) {
    const m = req.headers.range.match(/^bytes=(\d*)-(\d*)$/);
    const [, from = '', to = ''] = m ?? [];
    if (from === '' && to !== '') start = size - Number(to);
    else if (from !== '') {
      start = Number(from);
      if (to !== '') end = Math.min(Number(to), size - 1);
    }
    if (!m || (from === '' && to === '') || start < 0 || start >= size || end < start) {
      res.writeHead(416, { ...common, 'content-range': `bytes */${size}`, 'content-length': '0' });
      return void res.end();
    }
    status = 206;
  }
  res.writeHead(status, {
    ...common,
    'content-length': String(end - start + 1),
    ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  const file = createReadStream(path, { start, end });
  file.on('error', () => res.destroy());
  file.pipe(res);
}
