import { createMetricsRegistry } from '@synthcall/metrics';
import { TOPICS } from '@synthcall/schemas';
import { startTwilioSim, type TwilioSim } from '@synthcall/twilio-sim';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaseUrlHttpClient, TwilioTelephony } from './adapters/twilio-telephony.js';
import type { Telephony } from './domain/ports.js';
import { orchestratorMetrics } from './metrics.js';
import type { OrchestratorDeps } from './orchestrator.js';
import { startGatewayStub } from './testing/gateway-stub.js';
import { callRequest, type Harness, startHarness, testConference } from './testing/harness.js';

const ACCOUNT_SID = `AC${'b'.repeat(32)}`;
const AUTH_TOKEN = 'sim-token';

describe('orchestrator placing calls on twilio-sim through the SDK', () => {
  let sim: TwilioSim;
  let gateway: Awaited<ReturnType<typeof startGatewayStub>>;
  const harnesses: Harness[] = [];

  beforeEach(async () => {
    sim = await startTwilioSim({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 'orchestrator-e2e' });
    gateway = await startGatewayStub();
  });

  afterEach(async () => {
    for (const h of harnesses.splice(0)) {
      await h.orchestrator.stop();
      await h.bus.close();
    }
    await sim.close();
    await new Promise((resolve) => gateway.server.close(resolve));
  });

  async function orchestratorOnSim(
    options: { wrap?: (t: Telephony) => Telephony } & Pick<Partial<OrchestratorDeps>, 'holdClock'> = {},
  ): Promise<Harness> {
    const { wrap = (t: Telephony) => t, ...overrides } = options;
    const sdk = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new BaseUrlHttpClient(sim.baseUrl) });
    const app = await sdk.applications.create({ friendlyName: 'gateway', voiceUrl: `${gateway.url}/voice` });
    const registry = createMetricsRegistry({
      service: 'orchestrator',
      version: 'test',
      defaultMetrics: false,
    });
    const telephony = new TwilioTelephony({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: sim.baseUrl,
      timeoutMs: 5_000,
      metrics: orchestratorMetrics(registry),
    });
    const h = await startHarness({
      telephony: wrap(telephony),
      conference: {
        ...testConference,
        customerTo: `app:${app.sid}`,
        agentTo: `app:${app.sid}`,
        gatewayPublicUrl: gateway.url,
      },
      ...overrides,
    });
    harnesses.push(h);
    return h;
  }

  async function conferenceNames(): Promise<string[]> {
    const sdk = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new BaseUrlHttpClient(sim.baseUrl) });
    return (await sdk.conferences.list()).map((c) => c.friendlyName).sort();
  }

  it('creates one conference per planned call, and a redelivery to a fresh replica creates none', async () => {
    const first = await orchestratorOnSim();
    await first.bus.publish(TOPICS.callRequests, 'req-sim', callRequest({ requestId: 'req-sim', count: 3 }));
    await first.bus.idle();
    await sim.whenIdle();
    expect(await conferenceNames()).toEqual([
      'synthcall-req-sim-0000',
      'synthcall-req-sim-0001',
      'synthcall-req-sim-0002',
    ]);
    const voice = gateway.hooks.filter((h) => h.path === '/voice');
    expect(voice).toHaveLength(6);

    // A replica that never saw the request (no local memory) learns from Twilio that the calls exist.
    const second = await orchestratorOnSim();
    await second.bus.publish(TOPICS.callRequests, 'req-sim', callRequest({ requestId: 'req-sim', count: 3 }));
    await second.bus.idle();
    await sim.whenIdle();
    expect(await conferenceNames()).toHaveLength(3);
    expect(await second.read(TOPICS.calls.name, 'CallPlanned')).toHaveLength(0);
  });

  it('places the calls of a request at one simulated instant however slowly the machine runs its REST calls', async () => {
    // A busy machine: every REST call of the orchestrator, and every leg it dials, starts 60 ms of real time late.
    const late = () => new Promise((r) => setTimeout(r, 60));
    const h = await orchestratorOnSim({
      wrap: (t) => ({
        conferenceExists: async (name) => {
          await late();
          return t.conferenceExists(name);
        },
        createConference: (request, pace) =>
          t.createConference(request, async () => {
            await late();
            await pace();
          }),
      }),
      holdClock: () => sim.holdClock(10_000),
    });
    await h.bus.publish(TOPICS.callRequests, 'req-slow', callRequest({ requestId: 'req-slow', count: 3 }));
    await h.bus.idle();
    await sim.whenIdle();
    const sdk = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new BaseUrlHttpClient(sim.baseUrl) });
    const created = (await sdk.conferences.list()).map((c) => c.dateCreated.toISOString());
    expect(created).toHaveLength(3);
    expect(new Set(created).size).toBe(1);
    // Both legs of each call were dialled at that instant too.
    const started = (await sdk.calls.list())
      .filter((c) => c.direction === 'outbound-api')
      .map((c) => c.dateCreated.toISOString());
    expect(started).toHaveLength(6);
    expect(new Set(started).size).toBe(1);
  });
});
