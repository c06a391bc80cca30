import type { IncomingMessage, ServerResponse } from 'node:http';
import inject from 'light-my-request';
import type { WebhookTransport } from '../engine/webhooks.js';

/** A Node HTTP request handler: an express app, or `http.createServer`'s listener. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Webhooks handed to an application's HTTP handler in the same process: the same method, URL, signed headers and
 * body as over HTTP reach it as Node request and response objects, without a socket or an HTTP parser. The
 * application checks the signature and parses the body as it would behind a server.
 */
export function handlerTransport(handler: RequestHandler): WebhookTransport {
  const dispatch: RequestHandler = (req, res) => {
    keepOwnMethods(req);
    keepOwnMethods(res);
    handler(req, res);
  };
  return async (request) => {
    const url = new URL(request.url);
    const res = await untilAborted(
      inject(dispatch, {
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: { ...request.headers, host: url.host },
        ...(request.body !== undefined ? { payload: request.body } : {}),
        signal: request.signal,
      }),
      request.signal,
    );
    const contentType = res.headers['content-type'];
    return {
      status: res.statusCode,
      contentType: typeof contentType === 'string' ? contentType : '',
      body: res.payload,
    };
  };
}

/**
 * The work's result, or the signal's reason once it aborts, as `fetch` does. light-my-request hands the signal to the
 * request, but a handler that never answers still never settles the injection: the webhook's timeout would never
 * fire, and the simulated clock, which waits for every pending webhook, would stop every call of the run.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Pins the injected request's and response's own methods (the response's `write` and `end` capture the answer) on
 * the objects themselves. express replaces a request's and response's prototype with its own, which would route
 * `end` to a real socket's and lose the answer; light-my-request's fix for that re-parents express's prototypes for
 * the whole process instead, which would break any express app in it that serves real sockets.
 */
function keepOwnMethods(target: object): void {
  const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const value = proto[name];
    if (name !== 'constructor' && typeof value === 'function') {
      Object.defineProperty(target, name, { value, writable: true, configurable: true });
    }
  }
}
