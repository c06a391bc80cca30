import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import {
  type EventSchemaName,
  type EventTypes,
  exampleEvents,
  SPOKEN_HEADER,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import { SimHttpClient, startTwilioSim, type TwilioSim } from '@synthcall/twilio-sim';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTwimlGatewayConfig } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { replyEvent } from './test-support/harness.js';

const ACCOUNT_SID = `AC${'0'.repeat(31)}1`;
const AUTH_TOKEN = 'sim-auth-token';
const CALL_ID = 'req-sim-0001';

/** The conversation the fake engine plays: even turns are the agent's, the last line ends the call. */
const SCRIPT = [
  'Thank you for calling Acme support, this is Marcus, how can I help you today?',
  'Hi Marcus, I was charged twice for my internet this month.',
  'I am sorry about that, let me look at your account right now.',
  'Thank you, the second charge was on the fifth.',
  'I found it and refunded the duplicate charge, you will see it in three days. Goodbye!',
];

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

async function collect<S extends EventSchemaName>(bus: MemoryEventBus, topic: TopicBinding<S>) {
  const values: Array<EventTypes[S]> = [];
  await bus.subscribe({
    topic,
    group: `observer-${topic.name}`,
    fromBeginning: true,
    handler: async ({ value }) => {
      values.push(value);
    },
  });
  return values;
}

async function startGatewayOnPort(
  bus: MemoryEventBus,
  simUrl: string,
): Promise<{ gateway: Gateway; url: string; registry: Registry }> {
  // Listen first: the public URL (what the sim signs) must carry the port the OS picked.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registry = createMetricsRegistry({
    service: 'twiml-gateway',
    version: 'test',
    defaultMetrics: false,
  });
  const gateway = await createGateway({
    // A short hold so the slow turn below goes through the Pause + Redirect loop.
    config: loadTwimlGatewayConfig({
      GATEWAY_PUBLIC_URL: url,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      REPLY_HOLD_MS: '100',
      // Recording callbacks name the sim's API: the gateway accepts recordings from the API it is configured for.
      TWILIO_API_BASE_URL: simUrl,
    }),
    logger: createLogger({
      service: 'twiml-gateway',
      version: 'test',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    }),
    registry,
    bus,
    instanceId: 'sim',
  });
  server.on('request', gateway.handler);
  cleanups.push(async () => {
    await gateway.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { gateway, url, registry };
}

/** The real milliseconds the scripted engine "thinks" before a turn: turn 3 is slower than a webhook may hold. */
const THINKING_MS: Readonly<Record<number, number>> = { 3: 400 };

/** The engine's side of the protocol, scripted: the greeting on CallPlanned, then the next line per utterance. */
async function startScriptedEngine(bus: MemoryEventBus): Promise<void> {
  const reply = async (callId: string, turn: number) => {
    const text = SCRIPT[turn];
    if (text === undefined) return;
    const thinking = THINKING_MS[turn];
    if (thinking) await new Promise((resolve) => setTimeout(resolve, thinking));
    const role = turn % 2 === 0 ? 'agent' : 'customer';
    const last = turn === SCRIPT.length - 1;
    await bus.publish(
      TOPICS.replies,
      callId,
      replyEvent(
        callId,
        role,
        turn,
        text,
        last ? { endCall: true, endReason: 'resolved', endedBy: role } : {},
      ),
    );
  };
  await bus.subscribe({
    topic: TOPICS.calls,
    group: 'engine-calls',
    handler: async ({ value }) => reply(value.callId, 0),
  });
  await bus.subscribe({
    topic: TOPICS.utterances,
    group: 'engine-utterances',
    handler: async ({ value }) => reply(value.callId, value.turn + 1),
  });
}

describe('twiml-gateway with twilio-sim: a two-leg conference call', () => {
  it('carries a scripted conversation turn by turn, waits out a slow turn, ends it, and reports the conference and its recording', async () => {
    const sim: TwilioSim = await startTwilioSim({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      seed: 'gateway-sim-test',
      asrWer: 0,
    });
    cleanups.push(() => sim.close());
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const utterances = await collect(bus, TOPICS.utterances);
    const replies = await collect(bus, TOPICS.replies);
    const callEvents = await collect(bus, TOPICS.callEvents);
    const recordings = await collect(bus, TOPICS.recordings);
    const { url, registry } = await startGatewayOnPort(bus, sim.baseUrl);
    await startScriptedEngine(bus);

    // The orchestrator's part: an app answered by the gateway, the plan, then both labelled participants.
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new SimHttpClient(sim.baseUrl) });
    const app = await client.applications.create({
      friendlyName: 'gateway',
      voiceUrl: `${url}/twilio/voice`,
    });
    await bus.publish(TOPICS.calls, CALL_ID, exampleEvents(CALL_ID).CallPlanned);
    for (const role of ['customer', 'agent'] as const) {
      await client.conferences(`synthcall-${CALL_ID}`).participants.create({
        from: '+15005550006',
        to: `app:${app.sid}?callId=${CALL_ID}&role=${role}`,
        label: role,
        endConferenceOnExit: true,
        statusCallback: `${url}/twilio/status/call?callId=${CALL_ID}&role=${role}`,
        statusCallbackEvent: ['completed'],
        conferenceStatusCallback: `${url}/twilio/status/conference?callId=${CALL_ID}`,
        conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
        conferenceRecord: 'record-from-start',
        conferenceRecordingStatusCallback: `${url}/twilio/status/recording?callId=${CALL_ID}`,
      });
    }
    await sim.whenIdle();
    await bus.idle();

    // Every line was heard by the other leg, in order, and answered in the same webhook.
    const heard = utterances;
    expect(heard.map((u) => [u.role, u.turn])).toEqual([
      ['customer', 0],
      ['agent', 1],
      ['customer', 2],
      ['agent', 3],
    ]);
    for (const u of heard) expect(words(u.text)).toBe(words(SCRIPT[u.turn] ?? ''));
    // Every line the legs said is recorded as spoken once, after the engine's line for it.
    const spoken = bus
      .messages(TOPICS.replies.name)
      .filter((m) => m.headers[SPOKEN_HEADER]?.toString() === 'true');
    expect(spoken).toHaveLength(SCRIPT.length);
    expect(replies.map((r) => [r.turn, r.fallback])).toEqual(
      SCRIPT.flatMap((_, turn) => [
        [turn, false],
        [turn, false],
      ]),
    );

    // The slow turn was held and redirected through the wait route at least once, and still spoken as the engine's.
    const waits = (await registry.getSingleMetric('synthcall_webhooks_total')?.get())?.values.filter(
      (v) => v.labels.route === 'wait' && v.labels.status === '200',
    );
    expect(waits?.[0]?.value ?? 0).toBeGreaterThan(0);

    const types = callEvents.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'conference_started',
        'participant_joined',
        'conference_ended',
        'call_completed',
      ]),
    );
    expect(types).not.toContain('call_ended'); // the engine ended it, so the gateway records no unplanned end
    expect(
      callEvents
        .filter((e) => e.type === 'participant_joined')
        .map((e) => e.role)
        .sort(),
    ).toEqual(['agent', 'customer']);

    expect(recordings).toHaveLength(1);
    expect(recordings[0]).toMatchObject({
      callId: CALL_ID,
      channels: 2,
      channelRoles: [
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ],
    });
    expect(recordings[0]?.durationSec).toBeGreaterThan(0);
  }, 30_000);
});
