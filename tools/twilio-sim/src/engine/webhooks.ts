import { type FormParams, twilioSignature } from '../domain/signature.js';
import type { HttpMethod } from '../domain/twiml.js';
import type { Clock } from './clock.js';

export interface WebhookRequest {
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
}

export type WebhookOutcome =
  | { ok: true; status: number; contentType: string; body: string; url: string }
  | { ok: false; code: 11200 | 11205; message: string; url: string; status: number | undefined };

/** One signed webhook request, ready to send: the URL, headers and body Twilio would put on the wire. */
export interface WebhookHttpRequest {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Aborted when the webhook's time is up. */
  signal: AbortSignal;
}

export interface WebhookHttpResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * How the sim's webhooks reach the application: `fetchTransport` (HTTP, as Twilio) by default; a runner with the
 * application in the same process hands the same signed requests to its handler directly.
 */
export type WebhookTransport = (request: WebhookHttpRequest) => Promise<WebhookHttpResponse>;

/** Webhooks over HTTP, following redirects as Twilio does. */
export const fetchTransport: WebhookTransport = async (request) => {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'follow',
    signal: request.signal,
  });
  const body = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
};

export interface WebhookClientOptions {
  authToken: string;
  transport: WebhookTransport;
  clock: Clock;
  /** Twilio gives a webhook 15 s in total; tests inject a shorter limit. */
  timeoutMs: number;
  userAgent?: string;
}

/**
 * Sends form-encoded webhooks signed as Twilio signs them. For GET the parameters go in the query string and the
 * signature covers the full URL only.
 */
export class WebhookClient {
  constructor(private readonly options: WebhookClientOptions) {}

  /** `clock`: the clock of the call the webhook belongs to (the sim's own by default); it stands still meanwhile. */
  async send(request: WebhookRequest, clock: Clock = this.options.clock): Promise<WebhookOutcome> {
    const { authToken, timeoutMs } = this.options;
    let url = request.url;
    let body: string | undefined;
    let signedParams: FormParams = request.params;
    if (request.method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(request.params)) u.searchParams.append(k, v);
      url = u.toString();
      signedParams = {};
    } else {
      body = new URLSearchParams(request.params).toString();
    }
    const headers: Record<string, string> = {
      'X-Twilio-Signature': twilioSignature(authToken, url, signedParams),
      'User-Agent': this.options.userAgent ?? 'TwilioProxy/1.1',
      Accept: '*/*',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const work = (async (): Promise<WebhookOutcome> => {
      // A timer cleared once the answer is read: AbortSignal.timeout's would live on for the full timeout after every
      // webhook (thousands of timers a second in a fast run, and open timers after close).
      const abort = new AbortController();
      const timer = setTimeout(
        () => abort.abort(new DOMException('webhook timed out', 'TimeoutError')),
        timeoutMs,
      );
      try {
        const res = await this.options.transport({
          url,
          method: request.method,
          headers,
          body,
          signal: abort.signal,
        });
        if (res.status < 200 || res.status >= 300) {
          return {
            ok: false,
            code: 11200,
            message: `HTTP retrieval failure: ${res.status}`,
            url,
            status: res.status,
          };
        }
        return { ok: true, status: res.status, contentType: res.contentType, body: res.body, url };
      } catch (error) {
        const timedOut =
          error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        return {
          ok: false,
          code: 11205,
          message: timedOut
            ? `HTTP connection failure: no response within ${timeoutMs} ms`
            : `HTTP connection failure: ${error instanceof Error ? error.message : String(error)}`,
          url,
          status: undefined,
        };
      } finally {
        clearTimeout(timer);
      }
    })();
    return clock.track(work);
  }
}
