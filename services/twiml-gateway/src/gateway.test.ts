import { type EventBus, MemoryEventBus } from '@synthcall/event-bus';
import { SPOKEN_HEADER, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AGENT_SID,
  CUSTOMER_SID,
  type Harness,
  type HarnessOptions,
  PUBLIC_URL,
  replyEvent,
  startHarness,
  type Verb,
  verbsOf,
} from './test-support/harness.js';

const harnesses: Harness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options?: HarnessOptions): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

async function twiml(response: Response): Promise<Verb[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
  return verbsOf(await response.text());
}

function gatherPath(callId: string, role: string, heard: number): string {
  return `/twilio/gather?callId=${callId}&role=${role}&heard=${heard}`;
}

/** The engine's part, for tests that need one: answers every utterance with a line for the role that heard it. */
async function fakeEngine(h: Harness, line: (turn: number) => string) {
  await h.bus.subscribe({
    topic: TOPICS.utterances,
    group: 'fake-engine',
    handler: async ({ value }) => {
      // Publish only: waiting for the bus to go idle from inside a handler would wait for this very handler.
      const reply = replyEvent(value.callId, value.role, value.turn + 1, line(value.turn + 1));
      await h.bus.publish(TOPICS.replies, value.callId, reply);
    },
  });
}

/** Follows Pause+Redirect answers (as Twilio would) until the gateway says something else. */
async function followRedirects(
  h: Harness,
  first: Verb[],
  limit = 20,
): Promise<{ verbs: Verb[]; hops: number }> {
  let verbs = first;
  let hops = 0;
  while (verbs[0]?.name === 'Pause') {
    if (++hops > limit) throw new Error('the gateway kept redirecting');
    const redirect = verbs.find((v) => v.name === 'Redirect');
    expect(redirect?.attributes.method).toBe('POST');
    const url = new URL(redirect?.text ?? '');
    expect(url.origin).toBe(PUBLIC_URL);
    verbs = await twiml(await h.post(url.pathname + url.search, { CallSid: AGENT_SID }));
  }
  return { verbs, hops };
}

describe('twiml-gateway: signatures', () => {
  it('refuses an unsigned webhook with 400 and publishes nothing', async () => {
    const h = await harness();
    await h.plan('call-1');
    const res = await h.post(
      gatherPath('call-1', 'customer', 0),
      { CallSid: CUSTOMER_SID, SpeechResult: 'hello' },
      { signature: null },
    );
    expect(res.status).toBe(400);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
    expect(await h.metric('synthcall_signature_failures_total', { reason: 'missing' })).toBe(1);
  });

  it('refuses a forged webhook with 403, publishes nothing and logs it without the body', async () => {
    const h = await harness();
    await h.plan('call-1');
    const res = await h.post(
      gatherPath('call-1', 'customer', 0),
      { CallSid: CUSTOMER_SID, SpeechResult: 'my card number is 4111 1111' },
      { signature: 'bm90IGEgcmVhbCBzaWduYXR1cmU=' },
    );
    expect(res.status).toBe(403);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
    expect(await h.metric('synthcall_signature_failures_total', { reason: 'invalid' })).toBe(1);
    const line = h.logLines.find((l) => l.msg === 'webhook with an invalid X-Twilio-Signature');
    expect(line).toMatchObject({ route: 'gather', path: '/twilio/gather' });
    expect(JSON.stringify(h.logLines)).not.toContain('4111');
    expect(JSON.stringify(h.logLines)).not.toContain('bm90IGEgcmVhbCBzaWduYXR1cmU=');
  });

  it('refuses a signature made for another URL (the query is signed too)', async () => {
    const h = await harness();
    await h.plan('call-1');
    const params = { CallSid: CUSTOMER_SID, SpeechResult: 'hello' };
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signedForOtherTurn = getExpectedTwilioSignature(
      'test-auth-token-0123456789abcdef',
      PUBLIC_URL + gatherPath('call-1', 'customer', 2),
      params,
    );
    const res = await h.post(gatherPath('call-1', 'customer', 0), params, { signature: signedForOtherTurn });
    expect(res.status).toBe(403);
  });

  it('checks the signature on the status routes too', async () => {
    const h = await harness();
    const res = await h.post(
      '/twilio/status/call?callId=call-1&role=agent',
      { CallSid: AGENT_SID, CallStatus: 'completed' },
      { signature: 'AAAA' },
    );
    expect(res.status).toBe(403);
    expect(await h.published(TOPICS.callEvents)).toEqual([]);
  });
});

describe('twiml-gateway: answering legs', () => {
  it("greets on the agent leg with the agent's voice, then gathers the customer's turn 1", async () => {
    const h = await harness();
    const planned = await h.plan('call-1');
    const greeting = await h.reply('call-1', 'agent', 0, 'Thanks for calling Acme, this is Marcus.');

    const verbs = await twiml(await h.post('/twilio/voice?callId=call-1&role=agent', { CallSid: AGENT_SID }));

    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(verbs[0]).toEqual({
      name: 'Say',
      attributes: { voice: planned.agent.voice, language: planned.agent.language },
      text: greeting.text,
    });
    expect(verbs[1]?.attributes).toEqual({
      input: 'speech',
      // The whole reply wait (the harness's 1.5 s) and 5 s more: the customer's line starts before this runs out.
      timeout: '7',
      speechTimeout: 'auto',
      actionOnEmptyResult: 'true',
      action: `${PUBLIC_URL}/twilio/gather?callId=call-1&role=agent&heard=1`,
      method: 'POST',
      language: planned.customer.language,
    });
  });

  it('lets the customer listen first: a Gather for turn 0 and nothing said', async () => {
    const h = await harness();
    await h.plan('call-1');

    const verbs = await twiml(
      await h.post('/twilio/voice?callId=call-1&role=customer', { CallSid: CUSTOMER_SID }),
    );

    expect(verbs.map((v) => v.name)).toEqual(['Gather']);
    expect(verbs[0]?.attributes.action).toBe(
      `${PUBLIC_URL}/twilio/gather?callId=call-1&role=customer&heard=0`,
    );
    expect(verbs[0]?.attributes.input).toBe('speech');
  });

  it('reads callId and role from the body when they arrive as app: parameters', async () => {
    const h = await harness();
    await h.plan('call-1');
    const verbs = await twiml(
      await h.post('/twilio/voice', { CallSid: CUSTOMER_SID, callId: 'call-1', role: 'customer' }),
    );
    expect(verbs[0]?.attributes.action).toContain('role=customer&heard=0');
  });

  it('publishes what a leg heard and answers the same webhook with the reply and the next Gather', async () => {
    // A hold long enough for the fake engine's reply on a busy machine: the webhook answers as soon as it arrives.
    const h = await harness({ env: { REPLY_HOLD_MS: '10000', REPLY_TIMEOUT_MS: '20000' } });
    const planned = await h.plan('call-1');
    await fakeEngine(h, (turn) => `customer line ${turn}`);

    const res = await h.post(gatherPath('call-1', 'customer', 0), {
      CallSid: CUSTOMER_SID,
      SpeechResult: 'Thanks for calling Acme, this is Marcus.',
      Confidence: '0.91',
    });
    const verbs = await twiml(res);

    const heard = await h.published(TOPICS.utterances);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      eventId: 'call-1:heard:customer:0',
      callId: 'call-1',
      role: 'customer',
      turn: 0,
      text: 'Thanks for calling Acme, this is Marcus.',
      confidence: 0.91,
      callSid: CUSTOMER_SID,
    });
    expect(verbs).toEqual([
      {
        name: 'Say',
        attributes: { voice: planned.customer.voice, language: planned.customer.language },
        text: 'customer line 1',
      },
      expect.objectContaining({ name: 'Gather' }),
    ]);
    expect(verbs[1]?.attributes.action).toBe(
      `${PUBLIC_URL}/twilio/gather?callId=call-1&role=customer&heard=2`,
    );
  });

  it('publishes an empty utterance with a null confidence when the Gather heard nothing', async () => {
    const h = await harness();
    await h.plan('call-1');
    await fakeEngine(h, () => 'Are you still there?');
    await h.reply('call-1', 'customer', 1, 'I was charged twice.');
    await twiml(await h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID }));
    expect(await h.published(TOPICS.utterances)).toEqual([
      expect.objectContaining({ role: 'agent', turn: 1, text: '', confidence: null }),
    ]);
  });

  it('holds with Pause + Redirect while the reply is not ready, and the wait route answers once it arrives', async () => {
    const h = await harness();
    await h.plan('call-1');

    const first = await twiml(
      await h.post(gatherPath('call-1', 'agent', 1), {
        CallSid: AGENT_SID,
        SpeechResult: 'I was charged twice.',
      }),
    );
    expect(first.map((v) => v.name)).toEqual(['Pause', 'Redirect']);
    expect(first[0]?.attributes.length).toBe('1');
    const waitUrl = new URL(first[1]?.text ?? '');
    expect(waitUrl.pathname).toBe('/twilio/wait');
    expect(Object.fromEntries(waitUrl.searchParams)).toMatchObject({
      callId: 'call-1',
      role: 'agent',
      turn: '2',
    });

    const reply = await h.reply('call-1', 'agent', 2, 'Let me look at your bill.');
    const verbs = await twiml(await h.post(waitUrl.pathname + waitUrl.search, { CallSid: AGENT_SID }));
    expect(verbs[0]).toMatchObject({ name: 'Say', text: reply.text });
    expect(verbs[1]?.attributes.action).toBe(`${PUBLIC_URL}/twilio/gather?callId=call-1&role=agent&heard=3`);
    // The engine's line, then the gateway's record that the leg was given it, written before the answer was.
    expect(h.bus.messages(TOPICS.replies.name).map((m) => m.headers[SPOKEN_HEADER]?.toString())).toEqual([
      undefined,
      'true',
    ]);
    expect(await h.published(TOPICS.replies)).toEqual([reply, reply]);
  });

  it('answers a held webhook as soon as the reply arrives during the hold', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '5000', REPLY_TIMEOUT_MS: '8000' } });
    await h.plan('call-1');
    const pending = h.post('/twilio/wait?callId=call-1&role=customer&turn=3&waited=0', {
      CallSid: CUSTOMER_SID,
    });
    // Let the webhook park before the reply exists.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.reply('call-1', 'customer', 3, 'It says I owe ninety dollars.');
    const verbs = await twiml(await pending);
    expect(verbs[0]).toMatchObject({ name: 'Say', text: 'It says I owe ninety dollars.' });
  });

  it('speaks a fallback line when no reply comes in time, publishes it, and keeps it over a late engine reply', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '100', REPLY_TIMEOUT_MS: '2500' } });
    const planned = await h.plan('call-1');

    const first = await twiml(
      await h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'Hello?' }),
    );
    const { verbs, hops } = await followRedirects(h, first);
    expect(hops).toBeGreaterThan(0);

    // Published to ask the topic who was first, then recorded as the line spoken (SpokenLines).
    const replies = await h.published(TOPICS.replies);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toEqual(replies[0]);
    const fallback = replies[0];
    expect(fallback).toMatchObject({
      eventId: 'call-1:reply:agent:2',
      callId: 'call-1',
      role: 'agent',
      turn: 2,
      fallback: true,
      endCall: false,
      voice: planned.agent.voice,
    });
    expect(fallback?.text.length).toBeGreaterThan(0);
    expect(verbs[0]).toEqual({
      name: 'Say',
      attributes: { voice: planned.agent.voice, language: planned.agent.language },
      text: fallback?.text,
    });
    expect(verbs[1]?.attributes.action).toContain('heard=3');
    expect(await h.metric('synthcall_fallback_turns_total', { role: 'agent' })).toBe(1);

    // First reply wins: the engine's late line for the same turn changes nothing.
    await h.reply('call-1', 'agent', 2, 'A late engine line.');
    const again = await twiml(
      await h.post('/twilio/wait?callId=call-1&role=agent&turn=2&waited=0', { CallSid: AGENT_SID }),
    );
    expect(again[0]?.text).toBe(fallback?.text);
  });

  it('speaks the engine reply that reached the topic before its own fallback, as every replica will', async () => {
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // The gateway's replies consumer lags: the engine's line is on the topic but not yet in its book.
    const lagging = (bus: MemoryEventBus): EventBus => ({
      publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
      subscribe: (options) =>
        bus.subscribe({
          ...options,
          handler: async (event) => {
            if (options.topic.name === TOPICS.replies.name) await gate;
            await options.handler(event);
          },
        }),
      close: () => bus.close(),
    });
    const h = await harness({
      env: { REPLY_HOLD_MS: '2000', REPLY_TIMEOUT_MS: '3000' },
      gatewayBus: lagging,
    });
    await h.plan('call-1');
    await h.bus.publish(TOPICS.replies, 'call-1', replyEvent('call-1', 'customer', 1, 'The engine line.'));

    // The wait budget is spent on arrival: the gateway publishes its fallback and waits for the topic's verdict.
    const pending = h.post('/twilio/wait?callId=call-1&role=customer&turn=1&waited=3000', {
      CallSid: CUSTOMER_SID,
    });
    await vi.waitFor(() => expect(h.bus.messages(TOPICS.replies.name)).toHaveLength(2));
    openGate();

    const verbs = await twiml(await pending);
    expect(verbs[0]?.text).toBe('The engine line.');
    expect(await h.metric('synthcall_fallback_turns_total')).toBe(0);
  });

  it('records the fallback it spoke when the topic holds the engine line first but its echo came too late', async () => {
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // A broker restart: the engine's line is first on the topic, but the gateway's consumer gets nothing in time.
    const stalled = (bus: MemoryEventBus): EventBus => ({
      publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
      subscribe: (options) =>
        bus.subscribe({
          ...options,
          handler: async (event) => {
            if (options.topic.name === TOPICS.replies.name) await gate;
            await options.handler(event);
          },
        }),
      close: () => bus.close(),
    });
    const h = await harness({ env: { REPLY_HOLD_MS: '200', REPLY_TIMEOUT_MS: '1000' }, gatewayBus: stalled });
    await h.plan('call-1');
    await h.bus.publish(TOPICS.replies, 'call-1', replyEvent('call-1', 'customer', 1, 'The engine line.'));

    const verbs = await twiml(
      await h.post('/twilio/wait?callId=call-1&role=customer&turn=1&waited=1000', { CallSid: CUSTOMER_SID }),
    );
    openGate();
    expect(verbs[0]?.text).not.toBe('The engine line.');
    // What the leg heard is on the topic, marked as spoken, after the engine line that was first.
    await vi.waitFor(() =>
      expect(
        h.bus.messages(TOPICS.replies.name).filter((m) => m.headers[SPOKEN_HEADER]?.toString() === 'true'),
      ).toHaveLength(1),
    );
    const replies = await h.published(TOPICS.replies);
    expect(replies[0]?.text).toBe('The engine line.');
    expect(replies.at(-1)).toMatchObject({ role: 'customer', turn: 1, fallback: true, text: verbs[0]?.text });
  });

  it('falls back for the greeting too when the engine never sends turn 0', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '50', REPLY_TIMEOUT_MS: '1000' } });
    await h.plan('call-1');
    const first = await twiml(await h.post('/twilio/voice?callId=call-1&role=agent', { CallSid: AGENT_SID }));
    const { verbs } = await followRedirects(h, first);
    const [greeting] = await h.published(TOPICS.replies);
    expect(greeting).toMatchObject({ role: 'agent', turn: 0, fallback: true });
    expect(verbs[0]?.text).toBe(greeting?.text);
    expect(verbs[1]?.attributes.action).toContain('role=agent&heard=1');
  });

  it('ends the call with Say + Hangup on an endCall reply, and hangs up legs that webhook afterwards', async () => {
    const h = await harness();
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 6, 'Thanks for calling, goodbye!', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });

    const verbs = await twiml(
      await h.post(gatherPath('call-1', 'agent', 5), {
        CallSid: AGENT_SID,
        SpeechResult: 'That is all, thanks.',
      }),
    );
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect(verbs[0]?.text).toBe('Thanks for calling, goodbye!');

    // The customer's Gather hears the farewell: nothing to publish, the leg just ends.
    const after = await twiml(
      await h.post(gatherPath('call-1', 'customer', 6), { CallSid: CUSTOMER_SID, SpeechResult: 'goodbye' }),
    );
    expect(after.map((v) => v.name)).toEqual(['Hangup']);
    expect((await h.published(TOPICS.utterances)).map((u) => u.turn)).toEqual([]);
  });

  it('lets a leg cut into the other leg’s line: maxSpeechTime on its Gather, bargeIn around the other’s line; a cut into the farewell listens on', async () => {
    const h = await harness();
    await h.plan('call-1');
    await h.reply('call-1', 'customer', 5, 'I see, go on.', { cutInAfterSec: 3 });
    const mine = await twiml(
      await h.post(gatherPath('call-1', 'customer', 4), {
        CallSid: CUSTOMER_SID,
        SpeechResult: 'Let me check.',
      }),
    );
    expect(mine.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(mine[1]?.attributes.maxSpeechTime).toBe('3');

    // The agent's next line is said inside its Gather, which stops it when the customer talks over it.
    await h.reply(
      'call-1',
      'agent',
      6,
      'Your refund of forty dollars goes out today, and you will get an email.',
    );
    const theirs = await twiml(
      await h.post(gatherPath('call-1', 'agent', 5), { CallSid: AGENT_SID, SpeechResult: 'I see, go on.' }),
    );
    expect(theirs.map((v) => v.name)).toEqual(['Gather']);
    expect(theirs[0]?.attributes.bargeIn).toBe('true');
    expect(theirs[0]?.attributes.maxSpeechTime).toBeUndefined();
    expect(theirs[0]?.children?.map((v) => [v.name, v.text])).toEqual([
      ['Say', 'Your refund of forty dollars goes out today, and you will get an email.'],
    ]);

    // Had the agent's line been the farewell, the customer's early result is not answered, and the leg stays on.
    await h.reply('call-1', 'customer', 7, 'Thanks.', { cutInAfterSec: 2 });
    await twiml(
      await h.post(gatherPath('call-1', 'customer', 6), { CallSid: CUSTOMER_SID, SpeechResult: 'Your' }),
    );
    await h.reply('call-1', 'agent', 8, 'Goodbye!', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });
    const early = await twiml(
      await h.post(gatherPath('call-1', 'customer', 8), { CallSid: CUSTOMER_SID, SpeechResult: 'Good' }),
    );
    expect(early.map((v) => v.name)).toEqual(['Gather']);
    expect((await h.published(TOPICS.utterances)).map((u) => u.turn)).not.toContain(8);
  });

  it('does not count another replica’s record of an engine line it spoke as a fallback of the run', async () => {
    const h = await harness();
    await h.plan('call-1');
    const spokenElsewhere = { 'synthcall-origin': 'twiml-gateway', [SPOKEN_HEADER]: 'true' };
    await h.bus.publish(
      TOPICS.replies,
      'call-1',
      replyEvent('call-1', 'agent', 0, 'Hello.'),
      spokenElsewhere,
    );
    await h.bus.publish(
      TOPICS.replies,
      'call-1',
      replyEvent('call-1', 'agent', 2, 'Sorry, one moment.', { fallback: true }),
      spokenElsewhere,
    );
    await h.bus.idle();
    expect(h.app.gateway.book.call('call-1')?.fallbackRun).toBe(1);
    await h.bus.publish(
      TOPICS.replies,
      'call-1',
      replyEvent('call-1', 'agent', 4, 'Found it.'),
      spokenElsewhere,
    );
    await h.bus.idle();
    expect(h.app.gateway.book.call('call-1')?.fallbackRun).toBe(0);
  });

  it('answers a duplicate Gather webhook with the same line and publishes one UtteranceHeard', async () => {
    const h = await harness();
    await h.plan('call-1');
    await fakeEngine(h, (turn) => `agent line ${turn}`);
    const path = gatherPath('call-1', 'agent', 1);

    const first = await twiml(await h.post(path, { CallSid: AGENT_SID, SpeechResult: 'My bill is wrong.' }));
    // Twilio's retry of the same webhook; even a different transcript must not become a second event.
    const retry = await twiml(await h.post(path, { CallSid: AGENT_SID, SpeechResult: 'My bill is long.' }));

    expect(retry).toEqual(first);
    const heard = await h.published(TOPICS.utterances);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ eventId: 'call-1:heard:agent:1', text: 'My bill is wrong.' });
    // One engine line; each answer records the same line as spoken.
    const replies = h.bus.messages(TOPICS.replies.name);
    expect(replies.filter((m) => m.headers[SPOKEN_HEADER] === undefined)).toHaveLength(1);
    expect(new Set((await h.published(TOPICS.replies)).map((r) => r.text))).toEqual(
      new Set(['agent line 2']),
    );
  });

  it('publishes a duplicate webhook once even when both copies arrive before the reply', async () => {
    const h = await harness();
    await h.plan('call-1');
    const path = gatherPath('call-1', 'customer', 2);
    const params = { CallSid: CUSTOMER_SID, SpeechResult: 'Can you check my account?' };
    const [a, b] = await Promise.all([h.post(path, params), h.post(path, params)]);
    expect((await twiml(a))[0]?.name).toBe('Pause');
    expect((await twiml(b))[0]?.name).toBe('Pause');
    expect(await h.published(TOPICS.utterances)).toHaveLength(1);
  });
});

describe('twiml-gateway: a slow or silent engine', () => {
  const CONFERENCE_SID = 'CF00000000000000000000000000000c0e';
  const conferenceEnd = (h: Harness) =>
    h.post('/twilio/status/conference', {
      ConferenceSid: CONFERENCE_SID,
      FriendlyName: 'synthcall-call-1',
      StatusCallbackEvent: 'conference-end',
      SequenceNumber: '9',
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
    });

  it('waits for the other leg as long as the reply wait: the Gather timeout follows REPLY_TIMEOUT_MS', async () => {
    const h = await harness({ env: { REPLY_TIMEOUT_MS: '40s' } });
    await h.plan('call-1');
    const verbs = await twiml(
      await h.post('/twilio/voice?callId=call-1&role=customer', { CallSid: CUSTOMER_SID }),
    );
    expect(verbs[0]?.attributes.timeout).toBe('45');
  });

  it('listens again, publishing nothing, when a Gather heard nothing before the line it waits for was made', async () => {
    const h = await harness();
    await h.plan('call-1');
    // The agent spoke turn 0 and listens for the customer's turn 1, which the engine is still producing.
    const verbs = await twiml(await h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Gather']);
    expect(verbs[0]?.attributes.action).toBe(`${PUBLIC_URL}/twilio/gather?callId=call-1&role=agent&heard=1`);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
    expect(await h.published(TOPICS.replies)).toEqual([]);
  });

  it('says a line that follows a hold after a Pause as long as the hold', async () => {
    const h = await harness();
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 4, 'Thanks for holding. The charge was a duplicate.', { pauseSec: 95 });
    const verbs = await twiml(
      await h.post(gatherPath('call-1', 'agent', 3), {
        CallSid: AGENT_SID,
        SpeechResult: "Sure, I'll hold.",
      }),
    );
    expect(verbs.map((v) => v.name)).toEqual(['Pause', 'Say', 'Gather']);
    expect(verbs[0]?.attributes.length).toBe('95');
  });

  it("keeps the caller listening through the other leg's hold, publishing nothing for the silence", async () => {
    const h = await harness({ env: { REPLY_TIMEOUT_MS: '8s' } });
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 4, 'Thanks for holding.', { pauseSec: 95 });
    // The customer's Gather for turn 4 timed out inside the hold.
    const verbs = await twiml(await h.post(gatherPath('call-1', 'customer', 4), { CallSid: CUSTOMER_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Gather']);
    expect(verbs[0]?.attributes.action).toBe(
      `${PUBLIC_URL}/twilio/gather?callId=call-1&role=customer&heard=4&held=1`,
    );
    expect(verbs[0]?.attributes.timeout).toBe(String(13 + 95));
    expect(await h.published(TOPICS.utterances)).toEqual([]);
  });

  it('reports the silence when the line after the hold goes unheard too, instead of listening forever', async () => {
    const h = await harness({ env: { REPLY_TIMEOUT_MS: '8s' } });
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 4, 'Thanks for holding.', { pauseSec: 95 });
    // The lengthened Gather also ended without speech: the recogniser missed the line said after the hold.
    await h.post(`${gatherPath('call-1', 'customer', 4)}&held=1`, { CallSid: CUSTOMER_SID });
    expect(await h.published(TOPICS.utterances)).toEqual([
      expect.objectContaining({ role: 'customer', turn: 4, text: '', confidence: null }),
    ]);
  });

  type PublishArgs = Parameters<MemoryEventBus['publish']>;
  /** The gateway's view of the bus: `hook` runs before each publish (it may wait, throw or move a test clock). */
  const beforePublish =
    (hook: (...args: PublishArgs) => void | Promise<void>) =>
    (bus: MemoryEventBus): MemoryEventBus =>
      Object.assign(Object.create(bus) as MemoryEventBus, {
        publish: async (...args: PublishArgs) => {
          await hook(...args);
          return bus.publish(...args);
        },
      });

  /**
   * A gateway whose clock jumps 13 s while it publishes on `topic` (the bus stands for a broker away): past the 12 s
   * a webhook has before Twilio gives up on it, says its application error and drops the answer.
   */
  async function slowBusHarness(slowTopic: string, env: Record<string, string> = {}) {
    let offset = 0;
    const h = await harness({
      env,
      now: () => Date.now() + offset,
      gatewayBus: beforePublish((topic, _key, _value, headers) => {
        if (topic.name === slowTopic && headers?.[SPOKEN_HEADER] === undefined) offset += 13_000;
      }),
    });
    return h;
  }
  const spokenRecords = (h: Harness) =>
    h.bus.messages(TOPICS.replies.name).filter((m) => m.headers[SPOKEN_HEADER]?.toString() === 'true');

  it('does not hand over (or record as spoken) a line ready after Twilio gave up on the webhook: it holds the leg, and the line is said and recorded on the wait route', async () => {
    const h = await slowBusHarness(TOPICS.utterances.name);
    await h.plan('call-1');
    await fakeEngine(h, () => 'The code is K4 7.');
    // Publishing what the customer heard took 13 s: an answer now would reach Twilio after its 15 s were up.
    const late = await twiml(
      await h.post(gatherPath('call-1', 'customer', 2), {
        CallSid: CUSTOMER_SID,
        SpeechResult: 'Could I have your booking code?',
      }),
    );
    expect(late.map((v) => v.name)).toEqual(['Pause', 'Redirect']);
    expect(spokenRecords(h)).toEqual([]);
    expect(await h.metric('synthcall_late_answers_total')).toBe(1);
    // The leg was still there (the answer reached it after all): it hears the line, recorded as spoken now.
    const wait = new URL(late[1]?.text ?? '');
    expect(wait.searchParams.get('turn')).toBe('3');
    const verbs = await twiml(await h.post(wait.pathname + wait.search, { CallSid: CUSTOMER_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(verbs[0]?.text).toBe('The code is K4 7.');
    expect(spokenRecords(h).map((m) => m.key?.toString())).toEqual(['call-1']);
  });

  it('does not record a fallback as spoken when publishing it outlasted the webhook: the leg is held, then hears it', async () => {
    const h = await slowBusHarness(TOPICS.replies.name, { REPLY_HOLD_MS: '100', REPLY_TIMEOUT_MS: '300' });
    await h.plan('call-1');
    let verbs = await twiml(
      await h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'Hello?' }),
    );
    // Holds until the reply wait is over; the webhook that speaks the fallback publishes it (13 s) and is held.
    let holds = 0;
    while (verbs[0]?.name === 'Pause' && spokenRecords(h).length === 0) {
      expect(++holds).toBeLessThan(20);
      const url = new URL(verbs.find((v) => v.name === 'Redirect')?.text ?? '');
      verbs = await twiml(await h.post(url.pathname + url.search, { CallSid: AGENT_SID }));
    }
    expect(await h.metric('synthcall_late_answers_total')).toBe(1);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(verbs[0]?.text).toMatch(/system is a little slow/);
    // Recorded once, when it was handed over.
    expect(spokenRecords(h)).toHaveLength(1);
    expect(await h.metric('synthcall_fallback_turns_total', { role: 'agent' })).toBe(1);
  });

  it('holds the leg while publishing what it heard outlasts the webhook (a broker away), and answers when the publish is through', async () => {
    let offset = 0;
    let release: () => void = () => undefined;
    const through = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await harness({
      now: () => Date.now() + offset,
      gatewayBus: beforePublish(async (topic) => {
        if (topic.name === TOPICS.utterances.name) {
          // The broker is away: 9 s pass, and the record goes out only when the test lets it.
          offset += 9_000;
          await through;
        }
      }),
    });
    await fakeEngine(h, () => 'It is K4 7.');
    await h.plan('call-1');
    const held = await twiml(
      await h.post(gatherPath('call-1', 'customer', 2), {
        CallSid: CUSTOMER_SID,
        SpeechResult: 'What is the booking code?',
        Confidence: '0.91',
      }),
    );
    expect(held.map((v) => v.name)).toEqual(['Pause', 'Redirect']);
    const again = new URL(held[1]?.text ?? '');
    expect(again.pathname).toBe('/twilio/gather');
    expect(Object.fromEntries(again.searchParams)).toMatchObject({
      callId: 'call-1',
      role: 'customer',
      heard: '2',
      SpeechResult: 'What is the booking code?',
      Confidence: '0.91',
    });
    expect(Number(again.searchParams.get('waited'))).toBeGreaterThanOrEqual(9_000);
    // When the Gather ended: the first visit's arrival, kept for the event whichever replica publishes it.
    const at = Number(again.searchParams.get('at'));
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(at).toBeGreaterThan(Date.now() - 60_000);
    expect(await h.published(TOPICS.utterances)).toEqual([]);

    release();
    // Twilio follows the redirect with the call's parameters only: what was heard comes from the URL.
    const verbs = await twiml(await h.post(again.pathname + again.search, { CallSid: CUSTOMER_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(verbs[0]?.text).toBe('It is K4 7.');
    expect(await h.published(TOPICS.utterances)).toEqual([
      expect.objectContaining({
        role: 'customer',
        turn: 2,
        text: 'What is the booking code?',
        confidence: 0.91,
      }),
    ]);
  });

  it('holds the leg when publishing what it heard fails, and publishes it again on the next visit', async () => {
    let failures = 1;
    const h = await harness({
      gatewayBus: beforePublish((topic) => {
        if (topic.name === TOPICS.utterances.name && failures-- > 0)
          throw new Error('publishing to utterances failed: broker away');
      }),
    });
    await fakeEngine(h, () => 'It is K4 7.');
    await h.plan('call-1');
    const held = await twiml(
      await h.post(gatherPath('call-1', 'customer', 2), {
        CallSid: CUSTOMER_SID,
        SpeechResult: 'What is the booking code?',
      }),
    );
    expect(held.map((v) => v.name)).toEqual(['Pause', 'Redirect']);
    const again = new URL(held[1]?.text ?? '');
    const verbs = await twiml(await h.post(again.pathname + again.search, { CallSid: CUSTOMER_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect(await h.published(TOPICS.utterances)).toEqual([
      expect.objectContaining({ turn: 2, text: 'What is the booking code?' }),
    ]);
  });

  it('stops handing lines to a call as soon as Twilio says its conference ended, even while that news waits for the broker', async () => {
    let release: () => void = () => undefined;
    const through = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await harness({
      gatewayBus: beforePublish(async (topic) => {
        if (topic.name === TOPICS.callEvents.name) await through;
      }),
    });
    await h.plan('call-1');
    const answer = h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'Hi.' });
    await vi.waitFor(async () => expect(await h.published(TOPICS.utterances)).toHaveLength(1));
    // The conference-end callback is stuck publishing its lifecycle event (the broker away).
    const ended = conferenceEnd(h);
    await vi.waitFor(() => expect(h.app.gateway.book.call('call-1')?.hungUp).toBe(true));
    await h.reply('call-1', 'agent', 2, 'How can I help?');
    expect((await twiml(await answer)).map((v) => v.name)).toEqual(['Hangup']);
    expect(spokenRecords(h)).toEqual([]);
    release();
    expect((await ended).status).toBe(204);
  });

  it('hangs up, recording nothing, when the conference ended while the webhook waited for its line', async () => {
    const h = await harness();
    await h.plan('call-1');
    const answer = h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'Hi.' });
    await vi.waitFor(async () => expect(await h.published(TOPICS.utterances)).toHaveLength(1));
    expect((await conferenceEnd(h)).status).toBe(204);
    await h.reply('call-1', 'agent', 2, 'How can I help?');
    expect((await twiml(await answer)).map((v) => v.name)).toEqual(['Hangup']);
    expect(spokenRecords(h)).toEqual([]);
  });

  it('honours a late end of call: the fallback already spoken stands and the next webhook hangs up', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '100', REPLY_TIMEOUT_MS: '300' } });
    await h.plan('call-1');
    const first = await twiml(
      await h.post(gatherPath('call-1', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'Thanks, bye.' }),
    );
    const { verbs } = await followRedirects(h, first);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Gather']);

    // The engine's farewell for that turn comes after the fallback was spoken.
    await h.reply('call-1', 'agent', 2, 'Glad I could help, goodbye!', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });
    const after = await twiml(
      await h.post(gatherPath('call-1', 'customer', 2), { CallSid: CUSTOMER_SID, SpeechResult: 'Sorry?' }),
    );
    expect(after.map((v) => v.name)).toEqual(['Hangup']);
    expect((await h.published(TOPICS.utterances)).map((u) => u.turn)).toEqual([1]);
    // The conference ending now is the decided end, not an unplanned one.
    expect((await conferenceEnd(h)).status).toBe(204);
    expect((await h.published(TOPICS.callEvents)).filter((e) => e.type === 'call_ended')).toEqual([]);
  });

  it('releases a leg parked for its next line as soon as a late end of call arrives', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '5000', REPLY_TIMEOUT_MS: '20000' } });
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 2, 'A fallback already spoken.', { fallback: true });
    const parked = h.post(gatherPath('call-1', 'customer', 2), {
      CallSid: CUSTOMER_SID,
      SpeechResult: 'Okay.',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await h.reply('call-1', 'agent', 2, 'Goodbye!', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });
    expect((await twiml(await parked)).map((v) => v.name)).toEqual(['Hangup']);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('ends the call after FALLBACK_RUN_LIMIT fallback lines in a row, saying goodbye, with reason error', async () => {
    const h = await harness({
      env: { REPLY_HOLD_MS: '50', REPLY_TIMEOUT_MS: '150', FALLBACK_RUN_LIMIT: '3' },
    });
    await h.plan('call-1');
    const turn = async (role: 'agent' | 'customer', heard: number, sid: string) => {
      const first = await twiml(
        await h.post(gatherPath('call-1', role, heard), { CallSid: sid, SpeechResult: 'Hello?' }),
      );
      return (await followRedirects(h, first)).verbs;
    };
    expect((await turn('agent', 1, AGENT_SID)).map((v) => v.name)).toEqual(['Say', 'Gather']);
    expect((await turn('customer', 2, CUSTOMER_SID)).map((v) => v.name)).toEqual(['Say', 'Gather']);
    const last = await turn('agent', 3, AGENT_SID);
    expect(last.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect(last[0]?.text).toMatch(/goodbye/i);

    // Each fallback twice: published to ask the topic who was first, then recorded as the line spoken.
    const replies = await h.published(TOPICS.replies);
    expect(replies.map((r) => [r.turn, r.fallback, r.endCall])).toEqual([
      [2, true, false],
      [2, true, false],
      [3, true, false],
      [3, true, false],
      [4, true, true],
      [4, true, true],
    ]);
    expect(replies[4]).toMatchObject({ endReason: 'error', endedBy: 'agent' });
    const ended = (await h.published(TOPICS.callEvents)).filter((e) => e.type === 'call_ended');
    expect(ended).toEqual([
      expect.objectContaining({ callId: 'call-1', endReason: 'error', endedBy: 'agent' }),
    ]);
    expect(ended[0]?.detail).toMatch(/3 fallback lines in a row/);
    // The conference that ends next is that decided end, not a second, unplanned one.
    await conferenceEnd(h);
    expect((await h.published(TOPICS.callEvents)).filter((e) => e.type === 'call_ended')).toHaveLength(1);
  });

  it('starts the run of fallbacks over after an engine line', async () => {
    const h = await harness({
      env: { REPLY_HOLD_MS: '50', REPLY_TIMEOUT_MS: '150', FALLBACK_RUN_LIMIT: '2' },
    });
    await h.plan('call-1');
    const fallbackTurn = async (role: 'agent' | 'customer', heard: number, sid: string) => {
      const first = await twiml(
        await h.post(gatherPath('call-1', role, heard), { CallSid: sid, SpeechResult: 'Hi.' }),
      );
      return (await followRedirects(h, first)).verbs.map((v) => v.name);
    };
    expect(await fallbackTurn('agent', 1, AGENT_SID)).toEqual(['Say', 'Gather']);
    await h.reply('call-1', 'customer', 3, 'An engine line.');
    expect(await fallbackTurn('customer', 2, CUSTOMER_SID)).toEqual(['Say', 'Gather']);
    expect(await fallbackTurn('customer', 4, CUSTOMER_SID)).toEqual(['Say', 'Gather']);
    expect(await fallbackTurn('agent', 5, AGENT_SID)).toEqual(['Say', 'Hangup']);
  });
});

describe('twiml-gateway: unknown calls and bad input', () => {
  it('hangs up, with a spoken reason, on a voice webhook for a call nobody planned', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '50' } });
    const verbs = await twiml(
      await h.post('/twilio/voice?callId=ghost-call&role=agent', { CallSid: AGENT_SID }),
    );
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect(verbs[0]?.text.length).toBeGreaterThan(0);
    expect(await h.published(TOPICS.replies)).toEqual([]);
  });

  it('hangs up a gather for an unknown call after the wait without inventing a fallback line', async () => {
    const h = await harness({ env: { REPLY_HOLD_MS: '50', REPLY_TIMEOUT_MS: '500' } });
    const first = await twiml(
      await h.post(gatherPath('ghost-call', 'agent', 1), { CallSid: AGENT_SID, SpeechResult: 'hi' }),
    );
    const { verbs } = await followRedirects(h, first);
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect(await h.published(TOPICS.replies)).toEqual([]);
  });

  it('refuses a malformed callId with 400 naming it', async () => {
    const h = await harness();
    const res = await h.post('/twilio/voice?callId=%3Cscript%3E&role=agent', { CallSid: AGENT_SID });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/callId/);
  });

  it('refuses a malformed body with 400 naming the field, after the signature, and publishes nothing', async () => {
    const h = await harness();
    await h.plan('call-1');
    const res = await h.post(gatherPath('call-1', 'agent', 1), {
      CallSid: 'not-a-call-sid',
      SpeechResult: 'hi',
      Confidence: 'very',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/CallSid/);
    expect(text).toMatch(/Confidence/);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
  });

  it('refuses a gather whose heard turn was spoken by the same role', async () => {
    const h = await harness();
    await h.plan('call-1');
    const res = await h.post(gatherPath('call-1', 'agent', 2), { CallSid: AGENT_SID, SpeechResult: 'hi' });
    expect(res.status).toBe(400);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
  });

  it('refuses a body over BODY_LIMIT with 413', async () => {
    const h = await harness({ env: { BODY_LIMIT: '1kb' } });
    await h.plan('call-1');
    const res = await h.post(gatherPath('call-1', 'agent', 1), {
      CallSid: AGENT_SID,
      SpeechResult: 'word '.repeat(400),
    });
    expect(res.status).toBe(413);
    expect(await h.published(TOPICS.utterances)).toEqual([]);
  });

  it('answers 404 on paths it does not serve', async () => {
    const h = await harness();
    expect((await h.post('/twilio/unknown', { CallSid: AGENT_SID })).status).toBe(404);
  });
});

const CONFERENCE_SID = 'CF00000000000000000000000000000c0f';
const RECORDING_SID = 'RE000000000000000000000000000000e1';

describe('twiml-gateway: status callbacks', () => {
  function conference(h: Harness, event: string, sequence: number, extra: Record<string, string> = {}) {
    return h.post('/twilio/status/conference', {
      ConferenceSid: CONFERENCE_SID,
      FriendlyName: 'synthcall-call-1',
      StatusCallbackEvent: event,
      SequenceNumber: String(sequence),
      Timestamp: `Thu, 15 Jan 2026 10:00:0${String(sequence)} +0000`,
      ...extra,
    });
  }

  it('turns conference callbacks into lifecycle events and counts the live conference', async () => {
    const h = await harness();
    await h.plan('call-1');
    expect((await conference(h, 'conference-start', 1)).status).toBe(204);
    expect(await h.metric('synthcall_active_calls')).toBe(1);
    expect(
      (await conference(h, 'participant-join', 2, { CallSid: CUSTOMER_SID, ParticipantLabel: 'customer' }))
        .status,
    ).toBe(204);
    // Not tracked: answered, nothing published.
    expect((await conference(h, 'participant-speech-start', 3, { CallSid: CUSTOMER_SID })).status).toBe(204);
    await h.reply('call-1', 'agent', 8, 'Goodbye.', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });
    expect(
      (
        await conference(h, 'conference-end', 4, {
          ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
        })
      ).status,
    ).toBe(204);

    const events = await h.published(TOPICS.callEvents);
    expect(events.map((e) => e.type)).toEqual([
      'conference_started',
      'participant_joined',
      'conference_ended',
    ]);
    expect(events[0]).toMatchObject({
      callId: 'call-1',
      conferenceSid: CONFERENCE_SID,
      sequenceNumber: 1,
      occurredAt: new Date('2026-01-15T10:00:01Z'),
    });
    expect(events[1]).toMatchObject({ role: 'customer', callSid: CUSTOMER_SID });
    expect(events[2]?.detail).toBe('participant-with-end-conference-on-exit-left');
    expect(await h.metric('synthcall_active_calls')).toBe(0);
  });

  it('records an end of call when the conference ends before the engine ended the conversation', async () => {
    const h = await harness();
    await h.plan('call-1');
    await conference(h, 'conference-start', 1);
    await conference(h, 'conference-end', 2, { ReasonConferenceEnded: 'conference-ended-via-api' });
    const ended = (await h.published(TOPICS.callEvents)).filter((e) => e.type === 'call_ended');
    expect(ended).toEqual([
      expect.objectContaining({
        callId: 'call-1',
        endReason: 'error',
        endedBy: null,
        conferenceSid: CONFERENCE_SID,
      }),
    ]);
  });

  it('answers a late duplicate conference end of a forgotten call without ending it a second time', async () => {
    const h = await harness({ env: { CALL_RETAIN_ENDED: '1' } });
    await h.plan('call-1');
    await conference(h, 'conference-start', 1);
    const end = { ReasonConferenceEnded: 'conference-ended-via-api' };
    await conference(h, 'conference-end', 2, end);
    // A newer call ends: the book keeps one ended call, so call-1 is forgotten.
    await h.plan('call-2');
    await h.reply('call-2', 'agent', 4, 'Goodbye.', {
      endCall: true,
      endReason: 'resolved',
      endedBy: 'agent',
    });

    expect((await conference(h, 'conference-end', 2, end)).status).toBe(204);
    const ofCall1 = (await h.published(TOPICS.callEvents)).filter((e) => e.callId === 'call-1');
    // One end of call: the redelivery neither re-creates the call nor reports a second unplanned end.
    expect(ofCall1.filter((e) => e.type === 'call_ended')).toHaveLength(1);
    // A late turn webhook of the forgotten call hangs up.
    const verbs = await twiml(await h.post(gatherPath('call-1', 'agent', 3), { CallSid: AGENT_SID }));
    expect(verbs.map((v) => v.name)).toEqual(['Hangup']);
  });

  it('refuses a conference callback whose name does not make a valid callId', async () => {
    const h = await harness();
    const res = await h.post('/twilio/status/conference', {
      ConferenceSid: CONFERENCE_SID,
      FriendlyName: 'synthcall-<bad id>',
      StatusCallbackEvent: 'conference-start',
    });
    expect(res.status).toBe(400);
    expect(await h.published(TOPICS.callEvents)).toEqual([]);
  });

  it('publishes a redelivered conference callback once', async () => {
    const h = await harness();
    await h.plan('call-1');
    await conference(h, 'conference-start', 1);
    await conference(h, 'conference-start', 1);
    expect(await h.published(TOPICS.callEvents)).toHaveLength(1);
    expect(await h.metric('synthcall_active_calls')).toBe(1);
  });

  it('maps call status callbacks to call_completed / call_failed and ignores progress', async () => {
    const h = await harness();
    await h.plan('call-1');
    const post = (status: string, extra: Record<string, string> = {}) =>
      h.post('/twilio/status/call?callId=call-1&role=agent', {
        CallSid: AGENT_SID,
        CallStatus: status,
        ...extra,
      });
    expect((await post('ringing')).status).toBe(204);
    expect((await post('completed', { CallDuration: '93' })).status).toBe(204);
    expect((await post('no-answer')).status).toBe(204);
    const events = await h.published(TOPICS.callEvents);
    expect(events).toEqual([
      expect.objectContaining({ type: 'call_completed', role: 'agent', callSid: AGENT_SID, durationSec: 93 }),
      expect.objectContaining({ type: 'call_failed', callStatus: 'no-answer' }),
    ]);
  });

  it('publishes a conference RecordingCompleted as dual-channel, channel 1 = customer and 2 = agent, though the callback says 1', async () => {
    const h = await harness();
    await h.plan('call-1');
    const res = await h.post('/twilio/status/recording?callId=call-1', {
      RecordingSid: RECORDING_SID,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
      RecordingStatus: 'completed',
      RecordingDuration: '95',
      // As Twilio documents a conference recording's callback; the stored file is dual-channel.
      RecordingChannels: '1',
      RecordingSource: 'Conference',
      ConferenceSid: CONFERENCE_SID,
    });
    expect(res.status).toBe(204);
    expect(await h.published(TOPICS.recordings)).toEqual([
      expect.objectContaining({
        eventId: `call-1:recording:${RECORDING_SID}`,
        callId: 'call-1',
        recordingSid: RECORDING_SID,
        conferenceSid: CONFERENCE_SID,
        channels: 2,
        durationSec: 95,
        channelRoles: [
          { channel: 1, role: 'customer' },
          { channel: 2, role: 'agent' },
        ],
      }),
    ]);
  });

  it('finds the call of a recording callback without callId through its conference', async () => {
    const h = await harness();
    await h.plan('call-1');
    await conference(h, 'conference-start', 1);
    await h.post('/twilio/status/recording', {
      RecordingSid: RECORDING_SID,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
      RecordingStatus: 'completed',
      RecordingDuration: '10',
      RecordingChannels: '2',
      ConferenceSid: CONFERENCE_SID,
    });
    expect((await h.published(TOPICS.recordings))[0]?.callId).toBe('call-1');
  });

  it('refuses a recording callback it cannot attribute to a call with 400', async () => {
    const h = await harness();
    const res = await h.post('/twilio/status/recording', {
      RecordingSid: RECORDING_SID,
      RecordingUrl: 'https://api.twilio.com/r',
      RecordingStatus: 'completed',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/callId/);
  });
});

describe('twiml-gateway: metrics', () => {
  it('counts webhooks by route and status and observes the reply wait', async () => {
    const h = await harness();
    await h.plan('call-1');
    await h.reply('call-1', 'agent', 0, 'Hello.');
    await twiml(await h.post('/twilio/voice?callId=call-1&role=agent', { CallSid: AGENT_SID }));
    await h.post('/twilio/voice?callId=call-1&role=agent', { CallSid: AGENT_SID }, { signature: null });
    expect(await h.metric('synthcall_webhooks_total', { route: 'voice', status: '200' })).toBe(1);
    expect(await h.metric('synthcall_webhooks_total', { route: 'voice', status: '400' })).toBe(1);
    expect(await h.metric('synthcall_webhook_duration_seconds', { route: 'voice', status: '200' })).toBe(1);
    expect(await h.metric('synthcall_reply_wait_seconds')).toBe(1);
  });
});

describe('twiml-gateway: several replicas', () => {
  it('lets any replica answer: a turn heard by one is answered by another once the reply arrives', async () => {
    const bus = new MemoryEventBus();
    const a = await harness({ bus, instanceId: 'replica-a' });
    const b = await harness({ bus, instanceId: 'replica-b' });
    expect(a.app.gateway.groups.replies).not.toBe(b.app.gateway.groups.replies);
    await a.plan('call-1');

    const held = await twiml(
      await a.post(gatherPath('call-1', 'agent', 1), {
        CallSid: AGENT_SID,
        SpeechResult: 'Is anyone there?',
      }),
    );
    const waitUrl = new URL(held[1]?.text ?? '');
    const reply = await a.reply('call-1', 'agent', 2, 'Yes, I am here.');

    const verbs = await twiml(await b.post(waitUrl.pathname + waitUrl.search, { CallSid: AGENT_SID }));
    expect(verbs[0]).toMatchObject({ name: 'Say', text: reply.text });
    await bus.close();
  });

  it("makes another replica's fallback win over a later engine reply on every replica", async () => {
    const bus = new MemoryEventBus();
    const env = { REPLY_HOLD_MS: '50', REPLY_TIMEOUT_MS: '100' };
    const a = await harness({ bus, instanceId: 'replica-a', env });
    const b = await harness({ bus, instanceId: 'replica-b', env });
    await a.plan('call-1');

    const spoken = await twiml(
      await a.post('/twilio/wait?callId=call-1&role=customer&turn=1&waited=100', { CallSid: CUSTOMER_SID }),
    );
    await a.reply('call-1', 'customer', 1, 'The engine, too late.');

    const onB = await twiml(
      await b.post('/twilio/wait?callId=call-1&role=customer&turn=1&waited=0', { CallSid: CUSTOMER_SID }),
    );
    expect(onB[0]?.text).toBe(spoken[0]?.text);
    expect(onB[0]?.text).not.toBe('The engine, too late.');
    await bus.close();
  });
});
