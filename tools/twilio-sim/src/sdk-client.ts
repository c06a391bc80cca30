import twilio from 'twilio';

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & {
  data?: TData;
};

/**
 * A twilio-node `httpClient` that sends every request (api.twilio.com, intelligence.twilio.com, …) to the sim's
 * origin, keeping the SDK's own auth header, form encoding and status handling. Never use edge/region with it.
 */
export class SimHttpClient extends twilio.RequestClient {
  private readonly origin: string;

  constructor(baseUrl: string) {
    super();
    this.origin = new URL(baseUrl).origin;
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.origin}${uri.pathname}${uri.search}` });
  }
}
