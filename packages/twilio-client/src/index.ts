import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type ResponseModule from 'twilio/lib/http/response.js';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * Sends every SDK request to another origin (twilio-sim) by rewriting scheme and host, keeping path and query.
 * The SDK's edge/region settings would only change the twilio.com host name, so they cannot point anywhere else.
 */
export class BaseUrlHttpClient extends twilio.RequestClient {
  readonly origin: URL;

  constructor(baseUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.origin = new URL(baseUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<ResponseModule.default<TData>> {
    const uri = new URL(opts.uri);
    uri.protocol = this.origin.protocol;
    uri.host = this.origin.host;
    return super.request({ ...opts, uri: uri.toString() });
  }
}

/** A REST request handed to a Twilio stand-in in the same process, exactly as the SDK would send it. */
export interface InProcessRequest {
  method: string;
  /** Path and query, as on the wire. */
  url: string;
  authorization: string | undefined;
  /** The SDK's form-encoded body (POST). */
  body: string | undefined;
}

export interface InProcessResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer | string;
}

/** Serves the SDK's requests without a socket (twilio-sim's `request`). */
export type InProcessTwilio = (request: InProcessRequest) => Promise<InProcessResponse>;

type AxiosAdapter = Extract<
  NonNullable<InstanceType<typeof twilio.RequestClient>['axios']['defaults']['adapter']>,
  (...args: never[]) => unknown
>;

/**
 * The stand-in's answer, or axios's own timeout error (`ECONNABORTED`) after `timeoutMs`, as the HTTP adapter would
 * give: a stand-in that never answers must not hang the client that asked it.
 */
function withinTimeout<T>(work: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (!timeoutMs) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ECONNABORTED' })),
      timeoutMs,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * The SDK's own request client (auth header, form encoding, retries of 429s, status handling) with its transport
 * swapped: each request goes to a Twilio stand-in in the same process instead of over a socket.
 */
export class InProcessHttpClient extends BaseUrlHttpClient {
  /** `baseUrl`: the stand-in's origin, which its recording URLs carry (`apiOriginOf`). */
  constructor(baseUrl: string, serve: InProcessTwilio, options: RequestClient.RequestClientOptions = {}) {
    super(baseUrl, options);
    const adapter: AxiosAdapter = async (config) => {
      const uri = new URL(this.axios.getUri(config));
      const authorization = config.headers.get('Authorization');
      const res = await withinTimeout(
        serve({
          method: (config.method ?? 'get').toUpperCase(),
          url: `${uri.pathname}${uri.search}`,
          authorization: typeof authorization === 'string' ? authorization : undefined,
          body: typeof config.data === 'string' ? config.data : undefined,
        }),
        config.timeout,
      );
      return {
        data: res.body,
        status: res.status,
        statusText: '',
        headers: res.contentType ? { 'content-type': res.contentType } : {},
        config,
        request: {},
      };
    };
    this.axios.defaults.adapter = adapter;
  }
}

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Origin replacing https://api.twilio.com and https://intelligence.twilio.com (twilio-sim); unset = real Twilio. */
  apiBaseUrl?: string | undefined;
  timeoutMs: number;
  /** Twilio's own retry of 429s, bounded. */
  maxRetries?: number;
  /** With `apiBaseUrl`: the stand-in at that URL, in the same process, serves every request without a socket. */
  inProcess?: InProcessTwilio | undefined;
}

/** Twilio's REST API origin: where a real account's recordings live. */
export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/** The REST API origin a client sends its requests to: twilio-sim's when built with `apiBaseUrl`, else Twilio's. */
export function apiOriginOf(client: TwilioClient): string {
  return client.httpClient instanceof BaseUrlHttpClient ? client.httpClient.origin.origin : TWILIO_API_ORIGIN;
}

/** The official SDK client; against twilio-sim purely by `apiBaseUrl`. */
export function createTwilioClient(o: TwilioClientOptions): TwilioClient {
  const clientOptions = { timeout: o.timeoutMs, autoRetry: true, maxRetries: o.maxRetries ?? 3 };
  const httpClient = o.apiBaseUrl
    ? o.inProcess
      ? new InProcessHttpClient(o.apiBaseUrl, o.inProcess, clientOptions)
      : new BaseUrlHttpClient(o.apiBaseUrl, clientOptions)
    : undefined;
  return twilio(o.accountSid, o.authToken, { ...clientOptions, ...(httpClient ? { httpClient } : {}) });
}
