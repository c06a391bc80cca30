import { createMetricsRegistry } from '@synthcall/metrics';
import { startTwilioSim, type TwilioSim } from '@synthcall/twilio-sim';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planConference } from '../domain/conference-plan.js';
import { orchestratorMetrics } from '../metrics.js';
import { startGatewayStub } from '../testing/gateway-stub.js';
import { BaseUrlHttpClient, TwilioTelephony } from './twilio-telephony.js';

const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
const AUTH_TOKEN = 'sim-token';

describe('TwilioTelephony through the official SDK against twilio-sim', () => {
  let sim: TwilioSim;
  let gateway: Awaited<ReturnType<typeof startGatewayStub>>;

  beforeEach(async () => {
    sim = await startTwilioSim({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 'orchestrator-test' });
    gateway = await startGatewayStub();
  });

  afterEach(async () => {
    await sim.close();
    await new Promise((resolve) => gateway.server.close(resolve));
  });

  async function appAnsweredByGateway(): Promise<string> {
    const admin = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new BaseUrlHttpClient(sim.baseUrl) });
    const app = await admin.applications.create({
      friendlyName: 'gateway',
      voiceUrl: `${gateway.url}/voice`,
    });
    return `app:${app.sid}`;
  }

  function telephony(authToken = AUTH_TOKEN) {
    const registry = createMetricsRegistry({
      service: 'orchestrator',
      version: 'test',
      defaultMetrics: false,
    });
    const metrics = orchestratorMetrics(registry);
    const adapter = new TwilioTelephony({
      accountSid: ACCOUNT_SID,
      authToken,
      apiBaseUrl: sim.baseUrl,
      timeoutMs: 5_000,
      metrics,
    });
    return { adapter, metrics };
  }

  it('places both labelled legs in one recorded conference, with callbacks to the gateway carrying callId and role', async () => {
    const app = await appAnsweredByGateway();
    const { adapter, metrics } = telephony();
    const request = planConference('req-sim-0000', {
      from: '+15005550006',
      customerTo: app,
      agentTo: app,
      gatewayPublicUrl: gateway.url,
      timeLimitSec: 300,
    });

    expect(await adapter.conferenceExists(request.conferenceName)).toBe(false);
    let paced = 0;
    const created = await adapter.createConference(request, async () => {
      paced += 1;
    });
    // One CPS slot per leg dialled.
    expect(paced).toBe(2);
    expect(created.conferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
    expect(created.customerCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.agentCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(await adapter.conferenceExists(request.conferenceName)).toBe(true);
    await sim.whenIdle();

    // Each answering leg got the call's id and its role as webhook parameters of the app: target.
    const voice = gateway.hooks.filter((h) => h.path === '/voice');
    expect(voice.map((h) => [h.params.callId, h.params.role]).sort()).toEqual([
      ['req-sim-0000', 'agent'],
      ['req-sim-0000', 'customer'],
    ]);

    const conference = gateway.hooks.filter((h) => h.path === '/twilio/status/conference');
    expect(conference.length).toBeGreaterThan(0);
    expect(conference.every((h) => h.query.callId === 'req-sim-0000')).toBe(true);
    const joins = conference.filter((h) => h.params.StatusCallbackEvent === 'participant-join');
    expect(joins.map((h) => h.params.ParticipantLabel)).toEqual(['customer', 'agent']);
    expect(conference.map((h) => h.params.StatusCallbackEvent)).toContain('conference-end');

    const legs = gateway.hooks.filter((h) => h.path === '/twilio/status/call');
    expect(new Set(legs.map((h) => `${h.query.role}:${h.params.CallSid}`))).toEqual(
      new Set([`customer:${created.customerCallSid}`, `agent:${created.agentCallSid}`]),
    );
    // Only the callbacks the gateway uses are asked for: each leg's end, none of its progress.
    expect(legs.map((h) => h.params.CallStatus)).toEqual(['completed', 'completed']);

    const recordings = gateway.hooks.filter((h) => h.path === '/twilio/status/recording');
    expect(
      recordings.map((h) => [h.query.callId, h.params.RecordingStatus, h.params.RecordingSource]),
    ).toEqual([['req-sim-0000', 'completed', 'Conference']]);

    const ok = await metrics.twilioRequests.get();
    const count = (operation: string, outcome: string) =>
      ok.values.find((v) => v.labels.operation === operation && v.labels.outcome === outcome)?.value ?? 0;
    expect(count('participants.create', 'ok')).toBe(2);
    expect(count('conferences.list', 'ok')).toBe(2);
  });

  it('fails with SYNTH_TELEPHONY_FAILED and counts the error when Twilio refuses the request', async () => {
    const app = await appAnsweredByGateway();
    const { adapter, metrics } = telephony('wrong-token');
    const request = planConference('req-sim-0001', {
      from: '+15005550006',
      customerTo: app,
      agentTo: app,
      gatewayPublicUrl: gateway.url,
      timeLimitSec: 300,
    });
    await expect(adapter.createConference(request, async () => {})).rejects.toMatchObject({
      code: 'SYNTH_TELEPHONY_FAILED',
      message: expect.stringContaining('HTTP 401'),
    });
    const errors = (await metrics.twilioRequests.get()).values.filter((v) => v.labels.outcome === 'error');
    expect(errors.map((v) => [v.labels.operation, v.value])).toEqual([['participants.create', 1]]);
  });
});
