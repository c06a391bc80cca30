import { createHmac } from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

/**
 * The URL Twilio signs: credentials are stripped, and for https the port is dropped (Twilio signs voice callbacks
 * over https without the port, but keeps it for http).
 */
export function signedUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  if (u.protocol === 'https:') u.port = '';
  // URL normalises an empty path to "/"; keep the configured spelling otherwise.
  const rebuilt = u.toString();
  return url.includes('@') || (u.protocol === 'https:' && new URL(url).port !== '') ? rebuilt : url;
}

/**
 * X-Twilio-Signature: HMAC-SHA1 over the URL followed by each body parameter name+value, names sorted
 * case-sensitively (repeated values de-duplicated and sorted), keyed by the auth token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = signedUrl(url);
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += key + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
