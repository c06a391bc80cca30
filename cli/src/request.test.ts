import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { type RequestOptions, requestCalls } from './request.js';

// Port 1 on loopback: nothing listens, so a request that got as far as Kafka would fail with SYNTH_REQUEST_FAILED.
const options: RequestOptions = {
  calls: 1,
  seed: 's',
  strategy: 'matched',
  maxTurns: 24,
  mode: 'simulated',
  industries: [],
  requests: 1,
  brokers: ['127.0.0.1:1'],
  registryUrl: 'http://127.0.0.1:1/apis/ccompat/v7',
};

describe('synthcall request', () => {
  it.each(['../x', '/tmp/x', 'has space', 'caf\u00e9', 'nul\u0000', '.hidden'])(
    'refuses the request id %j before it sends anything, with SYNTH_REQUEST_ID_INVALID',
    async (requestId) => {
      await expect(requestCalls({ ...options, requestId })).rejects.toMatchObject({
        code: 'SYNTH_REQUEST_ID_INVALID',
      });
    },
  );

  it('refuses an id that becomes too long once --requests numbers it', async () => {
    const requestId = 'r'.repeat(62);
    await expect(requestCalls({ ...options, requestId, requests: 12 })).rejects.toMatchObject({
      code: 'SYNTH_REQUEST_ID_INVALID',
      message: expect.stringContaining(`requestId "${requestId}-10" is 65 characters long`),
    });
  });

  it('prints one line naming the code and the grammar and exits 1 for --request-id ../x', async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(
        await main([
          'node',
          'synthcall',
          'request',
          '--request-id',
          '../x',
          '--brokers',
          '127.0.0.1:1',
          '--registry',
          'http://127.0.0.1:1',
        ]),
      ).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(
      /^synthcall: SYNTH_REQUEST_ID_INVALID: requestId "\.\.\/x" must consist of ASCII letters, digits/,
    );
  });
});

describe('synthcall request --industry', () => {
  it('refuses an industry no persona can have before it sends anything, listing the ones there are', async () => {
    await expect(requestCalls({ ...options, industries: ['banking', 'martian'] })).rejects.toMatchObject({
      code: 'SYNTH_REQUEST_INVALID',
      message: expect.stringMatching(/industry "martian"; the industries are telecom, banking,/),
    });
  });
});
