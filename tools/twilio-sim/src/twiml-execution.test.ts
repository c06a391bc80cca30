import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, validSignature } from './test-support/setup.js';

interface EventLog {
  events: Array<{ type: string; text?: string; seconds?: number; at: string }>;
}

describe('TwiML execution details', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
    const h = await startHarness(options);
    open.push(h);
    return h;
  }

  it('posts to the Gather action without SpeechResult when actionOnEmptyResult is true', async () => {
    const h = await harness();
    h.app.on(
      '/voice',
      '<Response><Gather input="speech" action="/empty" timeout="2" actionOnEmptyResult="true"/></Response>',
    );
    await h.client.calls.create({ to: '+15559990000', from: '+15550000001', url: h.app.url('/voice') });
    await h.sim.whenIdle();
    const [empty] = h.app.at('/empty');
    expect(empty?.params.CallStatus).toBe('in-progress');
    expect(empty?.params).not.toHaveProperty('SpeechResult');
  });

  it('follows an absolute Redirect with GET, parameters in the query string and a valid signature', async () => {
    const h = await harness();
    h.app
      .on('/voice', `<Response><Redirect method="GET">${h.app.url('/other?x=1')}</Redirect></Response>`)
      .on('/other', '<Response/>');
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice'),
    });
    await h.sim.whenIdle();
    const [other] = h.app.at('/other');
    expect(other?.method).toBe('GET');
    expect(other?.params).toMatchObject({ x: '1', CallSid: call.sid });
    expect(validSignature(other ?? { signature: undefined, url: '', params: {}, method: 'GET' })).toBe(true);
  });

  it('repeats a Say loop times, taking loop times as long', async () => {
    const h = await harness();
    h.app
      .on('/once', '<Response><Say>Please hold the line</Say></Response>')
      .on('/thrice', '<Response><Say loop="3">Please hold the line</Say></Response>');
    const once = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/once'),
    });
    const thrice = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/thrice'),
    });
    await h.sim.whenIdle();
    const said = async (sid: string) =>
      ((await (await fetch(`${h.sim.baseUrl}/_sim/calls/${sid}/events`)).json()) as EventLog).events.find(
        (e) => e.type === 'said',
      );
    const [a, b] = [await said(once.sid), await said(thrice.sid)];
    expect(b?.text).toBe('Please hold the line Please hold the line Please hold the line');
    expect(b?.seconds).toBeCloseTo((a?.seconds ?? 0) * 3, 6);
  });

  it('replays the same SIDs and the same recognition noise for the same seed, and different ones for another', async () => {
    async function run(seed: string) {
      const h = await harness({ seed, asrWer: 0.4 });
      await h.client.incomingPhoneNumbers.create({
        phoneNumber: '+15550002000',
        voiceUrl: h.app.url('/listen'),
      });
      h.app
        .on(
          '/speak',
          '<Response><Pause length="1"/><Say>the quick brown fox jumps over the lazy dog near the river bank</Say><Pause length="5"/></Response>',
        )
        .on('/listen', '<Response><Gather input="speech" action="/heard" speechTimeout="1"/></Response>')
        .on('/heard', '<Response><Hangup/></Response>');
      const call = await h.client.calls.create({
        to: '+15550002000',
        from: '+15550000001',
        url: h.app.url('/speak'),
      });
      await h.sim.whenIdle();
      const heard = h.app.at('/heard')[0]?.params;
      return { sid: call.sid, speech: heard?.SpeechResult, confidence: heard?.Confidence };
    }
    const first = await run('seed-a');
    const again = await run('seed-a');
    const other = await run('seed-b');
    expect(again).toEqual(first);
    expect(first.speech).toBeDefined();
    expect(first.speech).not.toBe('the quick brown fox jumps over the lazy dog near the river bank');
    expect(other.sid).not.toBe(first.sid);
  });

  it('runs a call on the realtime clock too', async () => {
    const h = await harness({ clock: 'realtime', ringMs: 10 });
    h.app.on('/voice', '<Response><Pause length="0"/><Hangup/></Response>');
    const call = await h.client.calls.create({
      to: '+15559990000',
      from: '+15550000001',
      url: h.app.url('/voice'),
    });
    await h.sim.whenIdle();
    expect((await h.client.calls(call.sid).fetch()).status).toBe('completed');
  });
});
