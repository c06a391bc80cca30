import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../engine/clock.js';
import { SimError } from '../errors.js';
import { Params, type SimRequest, type SimResponse } from './request.js';
import type { Router } from './router.js';

export interface SimServerOptions {
  accountSid: string;
  authToken: string;
  clock: Clock;
  router: Router;
  /** Paths served without Basic auth (the sim's own inspection endpoints). */
  isPublic: (path: string) => boolean;
  onError?: (error: unknown) => void;
}

const MAX_BODY_BYTES = 1_000_000;

function errorBody(status: number, code: number, message: string): SimResponse {
  return {
    status,
    json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

function authorized(req: IncomingMessage, accountSid: string, authToken: string): boolean {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf-8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === accountSid && decoded.slice(colon + 1) === authToken;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new SimError('SYNTH_SIM_BAD_REQUEST', 'Request body too large', {
        twilioCode: 20001,
        status: 413,
      });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf-8');
}

async function handle(options: SimServerOptions, req: IncomingMessage): Promise<SimResponse> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (!options.isPublic(path) && !authorized(req, options.accountSid, options.authToken)) {
    return errorBody(401, 20003, 'Authenticate');
  }
  const match = options.router.match(req.method ?? 'GET', path);
  if (match === undefined) return errorBody(404, 20404, `The requested resource ${path} was not found`);
  if (match === 'method-not-allowed')
    return errorBody(405, 20004, `Method ${req.method} not allowed on ${path}`);
  const raw = req.method === 'POST' ? await readBody(req) : '';
  const simReq: SimRequest = {
    method: req.method ?? 'GET',
    path,
    url,
    query: new Params(url.searchParams),
    body: new Params(new URLSearchParams(raw)),
  };
  try {
    return await match.route.handler(simReq, match.params);
  } catch (error) {
    if (error instanceof SimError) return errorBody(error.status, error.twilioCode, error.message);
    options.onError?.(error);
    return errorBody(500, 20500, 'Internal Server Error');
  }
}

function write(res: ServerResponse, response: SimResponse): void {
  if (response.body) {
    res.writeHead(response.status, {
      'Content-Type': response.contentType ?? 'application/octet-stream',
      'Content-Length': response.body.length,
    });
    res.end(response.body);
    return;
  }
  if (response.json === undefined) {
    res.writeHead(response.status);
    res.end();
    return;
  }
  const body = JSON.stringify(response.json);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The sim's REST front: Basic auth, Twilio error bodies, JSON out. Built here, listened on by the caller. */
export function createSimServer(options: SimServerOptions): Server {
  return createServer((req, res) => {
    void options.clock
      .track(handle(options, req), true)
      .then((response) => write(res, response))
      .catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) write(res, errorBody(500, 20500, 'Internal Server Error'));
      });
  });
}
