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

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Origin replacing https://api.twilio.com and https://intelligence.twilio.com (twilio-sim); unset = real Twilio. */
  apiBaseUrl?: string | undefined;
  timeoutMs: number;
  /** Twilio's own retry of 429s, bounded. */
  maxRetries?: number;
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
  return twilio(o.accountSid, o.authToken, {
    ...clientOptions,
    ...(o.apiBaseUrl ? { httpClient: new BaseUrlHttpClient(o.apiBaseUrl, clientOptions) } : {}),
  });
}
