import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { formBody, parseForm } from './form-body.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An app that answers the parsed body as JSON, or the refusal's status and type. */
async function start(limitBytes: number): Promise<string> {
  const app = express();
  app.post('/', formBody(limitBytes), (req: Request, res: Response) => {
    res.json({ body: req.body ?? null });
  });
  app.use((err: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ type: err.type });
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('formBody: a webhook form body', () => {
  it('gives every field as a string, a repeated field as an array, + as a space', () => {
    expect(parseForm('CallSid=CA1&SpeechResult=hello+there%21&Tag=a&Tag=b&Tag=c')).toEqual({
      CallSid: 'CA1',
      SpeechResult: 'hello there!',
      Tag: ['a', 'b', 'c'],
    });
  });

  it('does not let a __proto__ field change the object', () => {
    const body = parseForm('__proto__=x&polluted=no');
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(body).toEqual({ polluted: 'no' });
  });

  it('reads a form posted over HTTP and leaves other content types without a body', async () => {
    const url = await start(1024);
    const form = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'From=%2B15550001000&Said=caf%C3%A9',
    });
    expect(await form.json()).toEqual({ body: { From: '+15550001000', Said: 'café' } });
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await json.json()).toEqual({ body: null });
  });

  it('refuses a body over the limit (413), another charset or an encoding (415)', async () => {
    const url = await start(16);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const large = await fetch(url, { method: 'POST', headers: form, body: `a=${'x'.repeat(40)}` });
    expect([large.status, await large.json()]).toEqual([413, { type: 'entity.too.large' }]);
    const latin1 = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1' },
      body: 'a=1',
    });
    expect([latin1.status, await latin1.json()]).toEqual([415, { type: 'charset.unsupported' }]);
    const gzip = await fetch(url, {
      method: 'POST',
      headers: { ...form, 'content-encoding': 'gzip' },
      body: 'a=1',
    });
    expect([gzip.status, await gzip.json()]).toEqual([415, { type: 'encoding.unsupported' }]);
  });

  it('refuses more than 1,000 fields (413)', () => {
    const many = Array.from({ length: 1_001 }, (_, i) => `f${i}=1`).join('&');
    expect(() => parseForm(many)).toThrow(/too many parameters/);
  });
});
