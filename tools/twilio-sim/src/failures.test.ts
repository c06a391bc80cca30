import { afterEach, describe, expect, it } from 'vitest';
import { APPLICATION_ERROR_TEXT } from './engine/runner.js';
import { type Harness, startHarness } from './test-support/setup.js';

interface EventLog {
  events: Array<{ type: string; text?: string; code?: number }>;
}

describe('bad input behaves as on Twilio', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function log(callSid: string): Promise<EventLog> {
    return (await (await fetch(`${h.sim.baseUrl}/_sim/calls/${callSid}/events`)).json()) as EventLog;
  }

  async function placeTo(path: string, extra: { fallbackUrl?: string } = {}) {
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url(path),
      ...extra,
    });
    await h.sim.whenIdle();
    const notifications = await h.client.calls(call.sid).notifications.list();
    return {
      call,
      notifications,
      said: (await log(call.sid)).events.filter((e) => e.type === 'said').map((e) => e.text),
    };
  }

  it('reports malformed TwiML as 12100, tries the fallback URL, and ends the call after the error message', async () => {
    h = await startHarness();
    h.app
      .on('/bad', '<Response><Say>unclosed</Response>')
      .on('/fallback', '<Response><Say>Fallback here</Say></Response>');
    const { call, notifications, said } = await placeTo('/bad', { fallbackUrl: h.app.url('/fallback') });
    expect(notifications.map((n) => n.errorCode)).toEqual(['12100']);
    expect(notifications[0]?.requestUrl).toBe(h.app.url('/bad'));
    const [fallback] = h.app.at('/fallback');
    expect(fallback?.params).toMatchObject({ ErrorCode: '12100', ErrorUrl: h.app.url('/bad') });
    expect(said).toEqual(['Fallback here']);
    expect((await h.client.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('reports a non-XML content type as 12300, says the application error and hangs up without a fallback', async () => {
    h = await startHarness();
    h.app.on('/bad', { body: 'Hello', contentType: 'text/plain' });
    const { call, notifications, said } = await placeTo('/bad');
    expect(notifications.map((n) => n.errorCode)).toEqual(['12300']);
    expect(said).toEqual([APPLICATION_ERROR_TEXT]);
    expect((await h.client.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('warns about an unknown verb with 12200 and carries on with the next verb', async () => {
    h = await startHarness();
    h.app.on('/voice', '<Response><Dance/><Say>still here</Say></Response>');
    const { notifications, said } = await placeTo('/voice');
    expect(notifications.map((n) => [n.errorCode, n.log])).toEqual([['12200', '1']]);
    expect(said).toEqual(['still here']);
  });

  it('reports a webhook answering 500 as 11200 and tries the fallback URL', async () => {
    h = await startHarness();
    h.app
      .on('/boom', { status: 500, body: 'oops' })
      .on('/fallback', '<Response><Say>recovered</Say></Response>');
    const { notifications, said } = await placeTo('/boom', { fallbackUrl: h.app.url('/fallback') });
    expect(notifications.map((n) => n.errorCode)).toEqual(['11200']);
    expect(h.app.at('/fallback')[0]?.params.ErrorCode).toBe('11200');
    expect(said).toEqual(['recovered']);
  });

  it('gives up on a webhook slower than the limit with 11205 and ends the call', async () => {
    h = await startHarness({ webhookTimeoutMs: 150 });
    h.app.on('/slow', { body: '<Response><Say>too late</Say></Response>', delayMs: 1000 });
    const { call, notifications, said } = await placeTo('/slow');
    expect(notifications.map((n) => n.errorCode)).toEqual(['11205']);
    expect(said).toEqual([APPLICATION_ERROR_TEXT]);
    expect((await h.client.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('answers a participant for an unknown conference SID with 16003', async () => {
    h = await startHarness();
    const error = await h.client
      .conferences(`CF${'0'.repeat(32)}`)
      .participants.create({ from: '+15550000001', to: '+15559990000' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, code: 16003 });
    const fetchError = await h.client
      .conferences(`CF${'0'.repeat(32)}`)
      .fetch()
      .catch((e: unknown) => e);
    expect(fetchError).toMatchObject({ status: 404, code: 20404 });
  });

  it('refuses a duplicate participant label with 16025', async () => {
    h = await startHarness();
    const first = await h.client
      .conferences('dup')
      .participants.create({ from: '+15550000001', to: '+15559990000', label: 'agent' });
    const error = await h.client
      .conferences(first.conferenceSid)
      .participants.create({ from: '+15550000001', to: '+15559990001', label: 'agent' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 16025 });
  });

  it('keeps going after a <Dial><Conference> with a label already in use (16025)', async () => {
    // The lone participant would hold the fast clock waiting for company; this test does not need the wait.
    h = await startHarness({ conferenceHoldMs: 50 });
    h.app.on(
      '/dial',
      '<Response><Dial><Conference participantLabel="x">dup-dial</Conference></Dial><Say>next verb</Say></Response>',
    );
    await h.client
      .conferences('dup-dial')
      .participants.create({ from: '+15550000001', to: '+15559990000', label: 'x' });
    const { notifications, said } = await placeTo('/dial');
    expect(notifications.map((n) => n.errorCode)).toEqual(['16025']);
    expect(said).toEqual(['next verb']);
  });
});
