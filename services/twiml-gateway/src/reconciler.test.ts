import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import {
  type EventSchemaName,
  type EventTypes,
  exampleEvents,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import { SimHttpClient, startTwilioSim } from '@synthcall/twilio-sim';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { TwilioCallRecords } from './adapters/twilio-call-records.js';
import { loadTwimlGatewayConfig } from './config.js';
import { TtlMap } from './domain/ttl-map.js';
import { createGateway, DEFAULT_TOPICS, type Gateway } from './gateway.js';
import { type CallRecords, type ConferenceRecord, Reconciler } from './reconciler.js';
import { replyEvent } from './test-support/harness.js';
import { TwilioVoiceIntelligence } from './voice-intelligence.js';

const ACCOUNT_SID = `AC${'0'.repeat(31)}2`;
const AUTH_TOKEN = 'sim-auth-token';
const CALL_ID = 'req-crash-0001';

const SCRIPT = [
  'Thank you for calling Acme support, this is Marcus, how can I help you today?',
  'Hi Marcus, I was charged twice for my internet this month.',
  'I am sorry about that, let me look at your account right now.',
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Running {
  gateway: Gateway;
  url: string;
  stop(): Promise<void>;
}

/** A gateway process as main.ts wires it: webhooks, Voice Intelligence and reconciliation through the SDK. */
async function startGateway(
  bus: MemoryEventBus,
  client: twilio.Twilio,
  serviceSid: string,
): Promise<Running> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = await createGateway({
    config: loadTwimlGatewayConfig({
      GATEWAY_PUBLIC_URL: url,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      REPLY_HOLD_MS: '100',
      RECONCILE_INTERVAL_MS: '50',
      RECONCILE_QUIET_MS: '200',
      RECONCILE_LOOKBACK_MS: '10m',
    }),
    logger: createLogger({
      service: 'twiml-gateway',
      version: 'test',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    }),
    registry: createMetricsRegistry({ service: 'twiml-gateway', version: 'test', defaultMetrics: false }),
    bus,
    intelligence: new TwilioVoiceIntelligence(client, serviceSid),
    callRecords: new TwilioCallRecords(client),
  });
  server.on('request', gateway.handler);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await gateway.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  cleanups.push(stop);
  return { gateway, url, stop };
}

describe('twiml-gateway reconciliation against the REST API', () => {
  it('a gateway that restarts after dying mid-call publishes the call end (with its reason), the recording and the transcript that Twilio finished while it was down', async () => {
    const sim = await startTwilioSim({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      seed: 'gateway-crash-test',
      asrWer: 0,
    });
    cleanups.push(() => sim.close());
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new SimHttpClient(sim.baseUrl) });
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const callEvents = await collect(bus, TOPICS.callEvents);
    const recordings = await collect(bus, TOPICS.recordings);
    const transcripts = await collect(bus, TOPICS.transcripts);

    const service = await client.intelligence.v2.services.create({ uniqueName: 'synthcall' });
    const gateway1 = await startGateway(bus, client, service.sid);
    await client.intelligence.v2
      .services(service.sid)
      .update({ webhookUrl: `${gateway1.url}/twilio/intelligence` });

    // The engine: the greeting on the plan, a reply per utterance, and the crash of the gateway at turn 2.
    await bus.subscribe({
      topic: TOPICS.calls,
      group: 'engine-calls',
      handler: async ({ value }) => {
        await bus.publish(
          TOPICS.replies,
          value.callId,
          replyEvent(value.callId, 'agent', 0, SCRIPT[0] ?? ''),
        );
      },
    });
    await bus.subscribe({
      topic: TOPICS.utterances,
      group: 'engine-utterances',
      handler: async ({ value }) => {
        if (value.turn === 1) {
          // Not awaited: the webhook that published this utterance is one of the connections the crash cuts.
          void gateway1.stop();
          return;
        }
        const turn = value.turn + 1;
        await bus.publish(
          TOPICS.replies,
          value.callId,
          replyEvent(value.callId, 'customer', turn, SCRIPT[turn] ?? ''),
        );
      },
    });

    const app = await client.applications.create({
      friendlyName: 'gateway',
      voiceUrl: `${gateway1.url}/twilio/voice`,
    });
    await bus.publish(TOPICS.calls, CALL_ID, exampleEvents(CALL_ID).CallPlanned);
    for (const role of ['customer', 'agent'] as const) {
      await client.conferences(`synthcall-${CALL_ID}`).participants.create({
        from: '+15005550006',
        to: `app:${app.sid}?callId=${CALL_ID}&role=${role}`,
        label: role,
        endConferenceOnExit: true,
        statusCallback: `${gateway1.url}/twilio/status/call?callId=${CALL_ID}&role=${role}`,
        statusCallbackEvent: ['completed'],
        conferenceStatusCallback: `${gateway1.url}/twilio/status/conference?callId=${CALL_ID}`,
        conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
        conferenceRecord: 'record-from-start',
        conferenceRecordingStatusCallback: `${gateway1.url}/twilio/status/recording?callId=${CALL_ID}`,
      });
    }
    await sim.whenIdle();
    await bus.idle();

    // Twilio finished the call while the gateway was down: none of its end reached the bus.
    const [conference] = await client.conferences.list({ friendlyName: `synthcall-${CALL_ID}` });
    expect(conference?.status).toBe('completed');
    expect(callEvents.map((e) => e.type)).toContain('conference_started');
    expect(callEvents.map((e) => e.type)).not.toContain('conference_ended');
    expect(callEvents.map((e) => e.type)).not.toContain('call_ended');
    expect(recordings).toHaveLength(0);

    const gateway2 = await startGateway(bus, client, service.sid);
    await until(
      'the reconciled end, recording and transcript',
      () =>
        callEvents.some((e) => e.type === 'call_ended') &&
        recordings.length > 0 &&
        transcripts.length > 0 &&
        gateway2.gateway.reconciler?.watching === 0,
    );

    const cf = conference?.sid as string;
    const ended = callEvents.filter((e) => e.type === 'call_ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      eventId: `${CALL_ID}:call_ended:gateway`,
      endReason: 'error',
      conferenceSid: cf,
    });
    expect(ended[0]?.detail).toMatch(
      /^reconciled \(the gateway restarted\): the conference ended \(participant-/,
    );
    expect(callEvents.filter((e) => e.type === 'conference_ended').map((e) => e.eventId)).toEqual([
      `${CALL_ID}:conference:${cf}:conference-end`,
    ]);
    // Both legs' completion, from the Calls resource of the legs the bus saw join.
    expect(
      callEvents
        .filter((e) => e.type === 'call_completed')
        .map((e) => e.role)
        .sort(),
    ).toEqual(['agent', 'customer']);

    const [recording] = await client.recordings.list({ conferenceSid: cf });
    expect(recordings).toHaveLength(1);
    expect(recordings[0]).toMatchObject({
      eventId: `${CALL_ID}:recording:${recording?.sid}`,
      recordingSid: recording?.sid,
      conferenceSid: cf,
      channels: 2,
      channelRoles: [
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ],
    });
    expect(recordings[0]?.recordingUrl).toContain('RequestedChannels=2');

    // The transcript the recording callback would have asked for: created once, for the recording, keyed to the call.
    const created = await client.intelligence.v2.transcripts.list({ sourceSid: recording?.sid });
    expect(created).toHaveLength(1);
    expect(created[0]?.customerKey).toBe(CALL_ID);
    expect(transcripts).toHaveLength(1);
    expect(transcripts[0]).toMatchObject({
      eventId: `${CALL_ID}:${created[0]?.sid}`,
      recordingSid: recording?.sid,
    });
    expect(transcripts[0]?.sentences.length).toBeGreaterThan(0);

    // Further passes find nothing more to do: no event twice.
    const counts = [callEvents.length, recordings.length, transcripts.length];
    await new Promise((resolve) => setTimeout(resolve, 400));
    await bus.idle();
    expect([callEvents.length, recordings.length, transcripts.length]).toEqual(counts);
    expect(new Set(callEvents.map((e) => e.eventId)).size).toBe(callEvents.length);
  }, 60_000);
});

/** A hand-written fake of the REST port: one conference, whatever the test sets. */
class FakeCallRecords implements CallRecords {
  conferenceNow: ConferenceRecord | null = null;
  lookups = 0;
  async conference(): Promise<ConferenceRecord | null> {
    this.lookups += 1;
    return this.conferenceNow;
  }
  async recordings() {
    return [];
  }
  async leg() {
    return null;
  }
  async transcriptOf() {
    return null;
  }
}

describe('Reconciler, with a fake REST API', () => {
  async function setup() {
    const bus = new MemoryEventBus();
    cleanups.push(() => bus.close());
    const callEvents = await collect(bus, TOPICS.callEvents);
    let now = Date.parse('2026-02-01T10:00:00Z');
    const records = new FakeCallRecords();
    const reconciler = new Reconciler({
      bus,
      topics: DEFAULT_TOPICS,
      records,
      logger: createLogger({
        service: 'twiml-gateway',
        version: 'test',
        destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
      }),
      now: () => now,
      intervalMs: 60_000,
      quietMs: 120_000,
      lookbackMs: 3_600_000,
      transcribed: new TtlMap(3_600_000, () => now),
    });
    await reconciler.start();
    cleanups.push(() => reconciler.close());
    const advance = (ms: number) => {
      now += ms;
    };
    return { bus, callEvents, records, reconciler, advance };
  }

  it('leaves a call whose conference is still running alone, and asks again only after another quiet period', async () => {
    const { bus, callEvents, records, reconciler, advance } = await setup();
    await bus.publish(TOPICS.calls, CALL_ID, exampleEvents(CALL_ID).CallPlanned);
    await bus.idle();
    records.conferenceNow = {
      sid: `CF${'1'.repeat(32)}`,
      status: 'in-progress',
      reasonEnded: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await reconciler.pass(); // the first pass after start checks every call in flight
    expect(records.lookups).toBe(1);
    advance(60_000);
    await reconciler.pass();
    expect(records.lookups).toBe(1);
    advance(60_000);
    await reconciler.pass();
    expect(records.lookups).toBe(2);
    expect(callEvents).toHaveLength(0);
    expect(reconciler.watching).toBe(1);
  });

  it('ends a planned call with no conference as error only once the quiet time has passed since its plan', async () => {
    const { bus, callEvents, reconciler, advance } = await setup();
    await bus.publish(TOPICS.calls, CALL_ID, exampleEvents(CALL_ID).CallPlanned);
    await bus.idle();
    await reconciler.pass();
    expect(callEvents).toHaveLength(0); // the orchestrator may still be dialling
    advance(120_000);
    await reconciler.pass();
    await bus.idle();
    expect(callEvents).toEqual([
      expect.objectContaining({
        eventId: `${CALL_ID}:call_ended:gateway`,
        type: 'call_ended',
        endReason: 'error',
        detail: expect.stringContaining('Twilio has no conference for the call'),
      }),
    ]);
    expect(reconciler.watching).toBe(0);
  });
});
