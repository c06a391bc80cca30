import { type IncomingMessage, ServerResponse } from 'node:http';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { handlerTransport } from './adapters/handler-transport.js';
import { twilioSignature } from './domain/signature.js';
import { startTwilioSim } from './sim.js';
import { ACCOUNT_SID, AUTH_TOKEN } from './test-support/setup.js';

const URL_SIGNED = 'https://gateway.example/voice?role=agent';

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Answers TwiML when the signature is valid for the URL and form body it received, 403 otherwise. */
async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = Object.fromEntries(new URLSearchParams(await bodyOf(req)));
  const signature = String(req.headers['x-twilio-signature'] ?? '');
  const url = `https://${req.headers.host}${req.url}`;
  if (!twilio.validateRequest(AUTH_TOKEN, signature, url, params)) {
    res.writeHead(403).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/xml' }).end(`<Response><Say>${params.CallSid}</Say></Response>`);
}

function send(transport: ReturnType<typeof handlerTransport>, signedFor = URL_SIGNED) {
  const params = { CallSid: 'CA1' };
  return transport({
    url: URL_SIGNED,
    method: 'POST',
    headers: {
      'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, signedFor, params),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params).toString(),
    signal: new AbortController().signal,
  });
}

describe('in-process webhooks (handlerTransport)', () => {
  it('hands the handler the signed request, body and URL as over HTTP, and returns its answer', async () => {
    const transport = handlerTransport((req, res) => void answer(req, res));
    expect(await send(transport)).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<Response><Say>CA1</Say></Response>',
    });
    // A signature for another URL is refused by the handler's own check.
    expect((await send(transport, 'https://gateway.example/other')).status).toBe(403);
  });

  it("gives up with the signal's reason when the handler never answers, as fetch does", async () => {
    const transport = handlerTransport(() => {
      // Never answers.
    });
    const abort = new AbortController();
    const pending = transport({
      url: URL_SIGNED,
      method: 'POST',
      headers: {},
      body: 'CallSid=CA1',
      signal: abort.signal,
    });
    abort.abort(new DOMException('webhook timed out', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('still returns the answer when the handler swaps the response prototype, as express does', async () => {
    const transport = handlerTransport((req, res) => {
      Object.setPrototypeOf(res, ServerResponse.prototype);
      void answer(req, res);
    });
    expect((await send(transport)).body).toBe('<Response><Say>CA1</Say></Response>');
  });
});

describe('TwilioSim.request (REST without a socket)', () => {
  it('authenticates, routes and answers as the HTTP server does', async () => {
    const sim = await startTwilioSim({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    try {
      const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Applications.json`;
      const authorization = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
      const created = await sim.request({
        method: 'POST',
        url: path,
        authorization,
        body: 'FriendlyName=gw&VoiceUrl=https%3A%2F%2Fgateway.example%2Fvoice',
      });
      expect(created.status).toBe(201);
      expect(JSON.parse(String(created.body))).toMatchObject({ friendly_name: 'gw' });
      const overHttp = await fetch(`${sim.baseUrl}${path}`, { headers: { authorization } });
      const inProcess = await sim.request({ method: 'GET', url: path, authorization });
      expect(inProcess.status).toBe(overHttp.status);
      expect(JSON.parse(String(inProcess.body))).toEqual(await overHttp.json());
      expect((await sim.request({ method: 'GET', url: path, authorization: undefined })).status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});
