import { describe, expect, it } from 'vitest';
import { createTwilioClient } from './index.js';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;

describe('the SDK client reaching a stand-in in the same process', () => {
  it('passes the request on and returns the stand-in’s answer', async () => {
    const seen: string[] = [];
    const client = createTwilioClient({
      accountSid: ACCOUNT_SID,
      authToken: 'token',
      apiBaseUrl: 'http://127.0.0.1:9',
      timeoutMs: 5_000,
      inProcess: async (request) => {
        seen.push(`${request.method} ${request.url}`);
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ calls: [], meta: { page_size: 50 } }),
        };
      },
    });
    expect(await client.api.v2010.accounts(ACCOUNT_SID).calls.list({ limit: 1 })).toEqual([]);
    expect(seen[0]).toMatch(new RegExp(`^GET /2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`));
  });

  it('fails with a timeout, as over HTTP, when the stand-in never answers', async () => {
    const client = createTwilioClient({
      accountSid: ACCOUNT_SID,
      authToken: 'token',
      apiBaseUrl: 'http://127.0.0.1:9',
      timeoutMs: 50,
      maxRetries: 0,
      inProcess: () => new Promise(() => {}),
    });
    await expect(client.api.v2010.accounts(ACCOUNT_SID).calls.list({ limit: 1 })).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
  });
});
