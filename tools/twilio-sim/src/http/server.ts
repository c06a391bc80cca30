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

function authorized(header: string | undefined, accountSid: string, authToken: string): boolean {
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

/** A REST request as the sim reads it, whether it came over a socket or from a client in the same process. */
export interface SimHttpRequest {
  method: string;
  /** Path and query (`/2010-04-01/Accounts/AC…/Calls.json?…`); scheme and host are ignored. */
  url: string;
  authorization?: string | undefined;
  /** The form body of a POST, not yet parsed. */
  body?: string | Promise<string>;
}

/** Authenticates, routes and runs one REST request; Twilio's error bodies for what fails. */
export async function handleRequest(options: SimServerOptions, req: SimHttpRequest): Promise<SimResponse> {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  if (!options.isPublic(path) && !authorized(req.authorization, options.accountSid, options.authToken)) {
    return errorBody(401, 20003, 'Authenticate');
  }
  const match = options.router.match(req.method, path);
  if (match === undefined) return errorBody(404, 20404, `The requested resource ${path} was not found`);
  if (match === 'method-not-allowed')
    return errorBody(405, 20004, `Method ${req.method} not allowed on ${path}`);
  try {
    const raw = req.method === 'POST' ? ((await req.body) ?? '') : '';
    const simReq: SimRequest = {
      method: req.method,
      path,
      url,
      query: new Params(url.searchParams),
      body: new Params(new URLSearchParams(raw)),
    };
    return await match.route.handler(simReq, match.params);
  } catch (error) {
    if (error instanceof SimError) return errorBody(error.status, error.twilioCode, error.message);
    options.onError?.(error);
    return errorBody(500, 20500, 'Internal Server Error');
  }
}

/**
 * `handleRequest` as the clock sees a request: the fast clock does not move while it is served (and, with a quiet
 * window, a moment after). The socket server and in-process clients both come through here.
 */
export function serveRequest(options: SimServerOptions, req: SimHttpRequest): Promise<SimResponse> {
  return options.clock.track(handleRequest(options, req), true);
}

/** A REST answer as bytes on the wire: status, content type (none for an empty body) and body. */
export interface SimHttpResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer | string;
}

export function encodeResponse(response: SimResponse): SimHttpResponse {
  if (response.body) {
    return {
      status: response.status,
      contentType: response.contentType ?? 'application/octet-stream',
      body: response.body,
    };
  }
  if (response.json === undefined) return { status: response.status, contentType: undefined, body: '' };
  return {
    status: response.status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(response.json),
  };
}

function write(res: ServerResponse, response: SimResponse): void {
  const encoded = encodeResponse(response);
  if (encoded.contentType === undefined) {
    res.writeHead(encoded.status);
    res.end();
    return;
  }
  res.writeHead(encoded.status, {
    'Content-Type': encoded.contentType,
    'Content-Length': Buffer.byteLength(encoded.body),
  });
  res.end(encoded.body);
}

/** The sim's REST front: Basic auth, Twilio error bodies, JSON out. Built here, listened on by the caller. */
export function createSimServer(options: SimServerOptions): Server {
  return createServer((req, res) => {
    const body = req.method === 'POST' ? readBody(req) : undefined;
    // A body that fails to read (too large) fails where it is awaited, inside the request's handling.
    body?.catch(() => undefined);
    void serveRequest(options, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      ...(body ? { body } : {}),
    })
      .then((response) => write(res, response))
      .catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) write(res, errorBody(500, 20500, 'Internal Server Error'));
      });
  });
}
