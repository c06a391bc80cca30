import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, validSignature } from './test-support/setup.js';

describe('numbers, applications and <Dial><Conference>', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a participant placed to app:AP…?key=value with the app voice URL and the query as parameters', async () => {
    h.app.on('/app-voice', '<Response><Say>Hello from the app</Say></Response>');
    const app = await h.client.applications.create({
      friendlyName: 'ai-leg',
      voiceUrl: h.app.url('/app-voice'),
    });
    expect(app.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect((await h.client.applications(app.sid).fetch()).voiceUrl).toBe(h.app.url('/app-voice'));
    await h.client.conferences('app-room').participants.create({
      from: '+15550009999',
      to: `app:${app.sid}?role=agent&callId=call-7`,
      label: 'agent',
    });
    const hook = await h.app.waitFor((w) => w.path === '/app-voice');
    expect(hook.params).toMatchObject({
      role: 'agent',
      callId: 'call-7',
      To: `app:${app.sid}`,
      Direction: 'inbound',
    });
    expect(validSignature(hook)).toBe(true);
  });

  it('owns the applications it was started with: app:<sid> reaches their voice URL without creating them', async () => {
    h.app.on('/preloaded', '<Response><Say>Hello from a preloaded app</Say></Response>');
    const sid = `AP${'0'.repeat(31)}1`;
    const preloaded = await startHarness({ applications: [{ sid, voiceUrl: h.app.url('/preloaded') }] });
    try {
      expect((await preloaded.client.applications(sid).fetch()).voiceUrl).toBe(h.app.url('/preloaded'));
      await preloaded.client.conferences('preloaded-room').participants.create({
        from: '+15550009999',
        to: `app:${sid}?role=customer&callId=call-9`,
        label: 'customer',
      });
      const hook = await h.app.waitFor((w) => w.path === '/preloaded');
      expect(hook.params).toMatchObject({ role: 'customer', callId: 'call-9', To: `app:${sid}` });
      expect(validSignature(hook)).toBe(true);
    } finally {
      await preloaded.close();
    }
  });

  it('creates, lists, fetches and updates incoming phone numbers', async () => {
    const number = await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550001234',
      voiceUrl: h.app.url('/old'),
    });
    expect(number.sid).toMatch(/^PN[0-9a-f]{32}$/);
    const updated = await h.client.incomingPhoneNumbers(number.sid).update({
      voiceUrl: h.app.url('/new'),
      voiceMethod: 'GET',
      statusCallback: h.app.url('/number-status'),
    });
    expect(updated.voiceUrl).toBe(h.app.url('/new'));
    expect(updated.voiceMethod).toBe('GET');
    const listed = await h.client.incomingPhoneNumbers.list({ phoneNumber: '+15550001234' });
    expect(listed.map((n) => n.sid)).toEqual([number.sid]);
    h.app
      .on('/new', '<Response><Say>Got it</Say></Response>')
      .on('/caller', '<Response><Pause length="5"/></Response>');
    await h.client.calls.create({ to: '+15550001234', from: '+15550009999', url: h.app.url('/caller') });
    await h.sim.whenIdle();
    const [voice] = h.app.at('/new');
    expect(voice?.method).toBe('GET');
    expect(voice?.params.To).toBe('+15550001234');
    expect(validSignature(voice ?? { signature: undefined, url: '', params: {}, method: 'GET' })).toBe(true);
    expect(h.app.at('/number-status').map((s) => s.params.CallStatus)).toEqual(['completed']);
  });

  it('joins two calls that <Dial><Conference> and bridges their far ends, then continues after the conference', async () => {
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550000001',
      voiceUrl: h.app.url('/speaker'),
    });
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550000002',
      voiceUrl: h.app.url('/listener'),
    });
    h.app
      .on(
        '/speaker',
        '<Response><Pause length="3"/><Say>Can you hear me now</Say><Pause length="5"/></Response>',
      )
      .on(
        '/listener',
        '<Response><Gather input="speech" action="/heard" timeout="10" speechTimeout="1"/></Response>',
      )
      .on('/heard', '<Response><Hangup/></Response>')
      .on(
        '/dial',
        `<Response><Dial><Conference statusCallback="${h.app.url('/conf')}" statusCallbackEvent="start end join leave" endConferenceOnExit="true">dial-room</Conference></Dial><Say>after the conference</Say></Response>`,
      );
    const a = await h.client.calls.create({
      to: '+15550000001',
      from: '+15550009999',
      url: h.app.url('/dial'),
    });
    const b = await h.client.calls.create({
      to: '+15550000002',
      from: '+15550009999',
      url: h.app.url('/dial'),
    });
    await h.sim.whenIdle();
    expect(h.app.at('/heard')[0]?.params.SpeechResult).toBe('Can you hear me now');
    const conf = h.app.at('/conf').map((c) => `${c.params.StatusCallbackEvent}:${c.params.CallSid ?? ''}`);
    expect(conf.slice(0, 3)).toEqual([
      `participant-join:${a.sid}`,
      `participant-join:${b.sid}`,
      'conference-start:',
    ]);
    expect(conf).toContain('conference-end:');
    const log = (await (await fetch(`${h.sim.baseUrl}/_sim/calls/${a.sid}/events`)).json()) as {
      events: Array<{ type: string; text?: string }>;
    };
    expect(log.events.filter((e) => e.type === 'said').map((e) => e.text)).toEqual(['after the conference']);
  });

  it('removes a participant on DELETE with 204 and reports who left and why', async () => {
    await h.client.incomingPhoneNumbers.create({ phoneNumber: '+15550000001', voiceUrl: h.app.url('/hold') });
    h.app.on('/hold', '<Response><Pause length="600"/></Response>');
    const common = {
      from: '+15550009999',
      to: '+15550000001',
      conferenceStatusCallback: h.app.url('/conf'),
      conferenceStatusCallbackEvent: ['leave', 'end'],
    };
    const one = await h.client.conferences('kick-room').participants.create({ ...common, label: 'one' });
    await h.client.conferences('kick-room').participants.create({ ...common, label: 'two' });
    await h.app.waitFor((w) => w.path === '/hold' && h.app.at('/hold').length === 2);
    const release = h.sim.holdClock();
    expect(await h.client.conferences(one.conferenceSid).participants('one').remove()).toBe(true);
    const left = await h.app.waitFor((w) => w.params.StatusCallbackEvent === 'participant-leave');
    expect(left.params).toMatchObject({
      CallSid: one.callSid,
      ParticipantLabel: 'one',
      ReasonParticipantLeft: 'participant_updated_via_api',
    });
    const remaining = await h.client.conferences(one.conferenceSid).participants.list();
    expect(remaining.map((p) => p.label)).toEqual(['two']);
    const muted = await h.client.conferences(one.conferenceSid).participants('two').update({ muted: true });
    expect(muted.muted).toBe(true);
    release();
  });
});
