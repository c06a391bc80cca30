import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimHttpClient } from './sdk-client.js';
import { ACCOUNT_SID, type Harness, startHarness, validSignature } from './test-support/setup.js';

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

describe('Calls over the official SDK', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('rejects wrong credentials with 401 and the Twilio error body', async () => {
    const bad = twilio(ACCOUNT_SID, 'wrong-token', { httpClient: new SimHttpClient(h.sim.baseUrl) });
    const error = await bad.calls.list().catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 401,
      code: 20003,
      moreInfo: 'https://www.twilio.com/docs/errors/20003',
    });
    const raw = await fetch(`${h.sim.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('answers a missing To with 400 and error 21201', async () => {
    const error = await h.client.calls
      .create({ to: '', from: '+15550000001', url: h.app.url('/voice') })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 21201 });
  });

  it('creates a call with Url: 201, Twilio SIDs and RFC 2822 dates, and posts a signed voice webhook', async () => {
    h.app.on('/voice', '<Response><Say>Hello</Say></Response>');
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice?leg=a'),
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.accountSid).toBe(ACCOUNT_SID);
    expect(call.status).toBe('queued');
    expect(call.direction).toBe('outbound-api');
    expect(call.dateCreated).toBeInstanceOf(Date);
    const raw = await fetch(`${h.sim.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.sid}.json`, {
      headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:sim-test-token`).toString('base64')}` },
    });
    const json = (await raw.json()) as Record<string, unknown>;
    expect(json.date_created).toMatch(RFC2822);
    expect(json.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.sid}.json`);

    const hook = await h.app.waitFor((w) => w.path === '/voice');
    expect(hook.method).toBe('POST');
    expect(hook.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(hook.params).toMatchObject({
      CallSid: call.sid,
      AccountSid: ACCOUNT_SID,
      From: '+15550000001',
      To: '+15559990000',
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
      ApiVersion: '2010-04-01',
    });
    expect(hook.url).toBe(h.app.url('/voice?leg=a'));
    expect(validSignature(hook)).toBe(true);
    await h.sim.whenIdle();
    const done = await h.client.calls(call.sid).fetch();
    expect(done.status).toBe('completed');
    expect(done.endTime).toBeInstanceOf(Date);
  });

  it('runs Say, Pause, a relative Redirect and Hangup, and sends the subscribed status callbacks in order', async () => {
    h.app
      .on(
        '/voice',
        '<Response><Say voice="Polly.Joanna-Neural">Hi</Say><Pause length="2"/><Redirect>next</Redirect></Response>',
      )
      .on('/next', '<Response><Hangup/><Say>never</Say></Response>')
      .on('/status', '');
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice'),
      statusCallback: h.app.url('/status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    await h.sim.whenIdle();
    expect(h.app.at('/next')).toHaveLength(1);
    const statuses = h.app.at('/status');
    expect(statuses.map((s) => s.params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    expect(statuses.map((s) => s.params.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    expect(
      statuses.every((s) => s.params.CallbackSource === 'call-progress-events' && validSignature(s)),
    ).toBe(true);
    const completed = statuses[3]?.params ?? {};
    expect(Number(completed.CallDuration)).toBeGreaterThanOrEqual(2);
    expect(completed.Timestamp).toMatch(RFC2822);
    const log = (await (await fetch(`${h.sim.baseUrl}/_sim/calls/${call.sid}/events`)).json()) as {
      events: Array<{ type: string; text?: string }>;
    };
    const said = log.events.filter((e) => e.type === 'said').map((e) => e.text);
    expect(said).toEqual(['Hi']);
  });

  it('sends only the completed status callback by default', async () => {
    h.app.on('/voice', '<Response><Say>Hi</Say></Response>');
    await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice'),
      statusCallback: h.app.url('/status'),
    });
    await h.sim.whenIdle();
    expect(h.app.at('/status').map((s) => s.params.CallStatus)).toEqual(['completed']);
  });

  it('falls through a Gather that hears nothing to the next verb', async () => {
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      twiml:
        '<Response><Gather input="speech" action="https://example.invalid/x" timeout="3"><Say>Speak</Say></Gather><Say>No input</Say></Response>',
    });
    await h.sim.whenIdle();
    const log = (await (await fetch(`${h.sim.baseUrl}/_sim/calls/${call.sid}/events`)).json()) as {
      events: Array<{ type: string; text?: string }>;
    };
    expect(log.events.filter((e) => e.type === 'said').map((e) => e.text)).toEqual(['Speak', 'No input']);
    expect(log.events.some((e) => e.type === 'webhook')).toBe(false);
  });

  it('lists calls newest first in a paged envelope and fetches one', async () => {
    h.app.on('/voice', '<Response><Pause length="30"/></Response>');
    const first = await h.client.calls.create({
      to: '+15559990001',
      from: '+15550000001',
      url: h.app.url('/voice'),
    });
    const second = await h.client.calls.create({
      to: '+15559990002',
      from: '+15550000001',
      url: h.app.url('/voice'),
    });
    const page = await h.client.calls.page({ pageSize: 1 });
    expect(page.instances.map((c) => c.sid)).toEqual([second.sid]);
    const next = await page.nextPage();
    expect(next?.instances.map((c) => c.sid)).toEqual([first.sid]);
    const filtered = await h.client.calls.list({ to: '+15559990001' });
    expect(filtered.map((c) => c.sid)).toEqual([first.sid]);
    expect((await h.client.calls(first.sid).fetch()).to).toBe('+15559990001');
  });

  it('hangs up a live call on Status=completed and redirects one on Twiml update', async () => {
    h.app.on('/voice', '<Response><Pause length="600"/></Response>');
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice'),
    });
    await h.app.waitFor((w) => w.path === '/voice');
    // Without the hold, the fast clock could play out the 600 s pause before the update arrives.
    const release = h.sim.holdClock();
    const redirected = await h.client
      .calls(call.sid)
      .update({ twiml: '<Response><Say>Updated</Say><Pause length="600"/></Response>' });
    expect(redirected.sid).toBe(call.sid);
    const updated = await h.client.calls(call.sid).update({ status: 'completed' });
    release();
    expect(updated.status).toBe('completed');
    await h.sim.whenIdle();
    const log = (await (await fetch(`${h.sim.baseUrl}/_sim/calls/${call.sid}/events`)).json()) as {
      events: Array<{ type: string; text?: string }>;
    };
    expect(log.events.filter((e) => e.type === 'said').map((e) => e.text)).toEqual(['Updated']);
    const error = await h.client
      .calls(call.sid)
      .update({ url: h.app.url('/voice') })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 21220 });
  });

  it('answers an unknown call SID with 404 and error 20404', async () => {
    const error = await h.client
      .calls(`CA${'0'.repeat(32)}`)
      .fetch()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, code: 20404 });
  });
});
