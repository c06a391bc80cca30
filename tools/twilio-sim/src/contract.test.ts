import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract, type TwilioContract } from './contract/index.js';
import { SimHttpClient } from './sdk-client.js';
import { ACCOUNT_SID, AUTH_TOKEN, type Harness, startHarness } from './test-support/setup.js';

type Opts = Parameters<SimHttpClient['request']>[0];

/** An SDK httpClient that checks every request and response against the twilio-oai specs. */
class ContractCheckingClient extends SimHttpClient {
  readonly problems: string[] = [];
  readonly operations = new Set<string>();

  constructor(
    baseUrl: string,
    private readonly contract: TwilioContract,
  ) {
    super(baseUrl);
  }

  override async request<TData>(opts: Opts & { data?: TData }) {
    const form = (opts.data ?? {}) as Record<string, unknown>;
    const req = this.contract.validateRequest({
      method: opts.method.toUpperCase(),
      path: opts.uri,
      query: stringify((opts.params ?? {}) as Record<string, unknown>),
      form: stringify(form),
    });
    if (!req.ok) this.problems.push(...req.errors.map((e) => `request ${opts.method} ${opts.uri}: ${e}`));
    const response = await super.request<TData>(opts);
    const res = this.contract.validateResponse({
      method: opts.method.toUpperCase(),
      path: opts.uri,
      status: response.statusCode,
      body: response.body as unknown as object,
    });
    if (res.operation) this.operations.add(`${res.operation} ${response.statusCode}`);
    if (!res.ok) this.problems.push(...res.errors.map((e) => `response ${opts.method} ${opts.uri}: ${e}`));
    return response;
  }
}

function stringify(values: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

describe('the sim against the twilio-oai contract', () => {
  let h: Harness;
  let client: twilio.Twilio;
  let checker: ContractCheckingClient;

  beforeAll(async () => {
    h = await startHarness({ asrWer: 0.05 });
    checker = new ContractCheckingClient(h.sim.baseUrl, loadContract());
    client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: checker });
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves requests and responses of a full synthetic call that match the specs field for field', async () => {
    h.app
      .on(
        '/agent',
        '<Response><Say>Hello, this is Acme support.</Say><Gather input="speech" action="/agent-turn" speechTimeout="auto"/></Response>',
      )
      .on(
        '/customer',
        '<Response><Gather input="speech" action="/customer-turn" speechTimeout="1"/></Response>',
      )
      .on('/customer-turn', '<Response><Say>My parcel is late.</Say><Pause length="10"/></Response>')
      .on('/agent-turn', '<Response><Say>I will check it, goodbye.</Say><Hangup/></Response>');
    const app = await client.applications.create({ friendlyName: 'agent', voiceUrl: h.app.url('/agent') });
    await client.applications(app.sid).fetch();
    const number = await client.incomingPhoneNumbers.create({
      phoneNumber: '+15550002000',
      voiceUrl: h.app.url('/customer'),
    });
    await client.incomingPhoneNumbers(number.sid).update({ statusCallback: h.app.url('/status') });
    await client.incomingPhoneNumbers.list();
    const common = {
      from: '+15550009999',
      statusCallback: h.app.url('/status'),
      statusCallbackEvent: ['initiated', 'answered', 'completed'],
      conferenceStatusCallback: h.app.url('/status'),
      conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
      conferenceRecord: 'record-from-start',
      endConferenceOnExit: true,
    };
    // Participants are read while still being placed: the hold keeps the fast clock from running the call out first.
    const release = h.sim.holdClock();
    const customer = await client
      .conferences('contract')
      .participants.create({ ...common, to: '+15550002000', label: 'customer' });
    await client
      .conferences('contract')
      .participants.create({ ...common, to: `app:${app.sid}?role=agent`, label: 'agent' });
    await client.conferences(customer.conferenceSid).participants.list();
    await client.conferences(customer.conferenceSid).participants('customer').fetch();
    release();
    await h.sim.whenIdle();
    await client.conferences(customer.conferenceSid).fetch();
    await client.conferences.list({ friendlyName: 'contract', status: 'completed' });
    const calls = await client.calls.list({ pageSize: 2 });
    await client.calls(customer.callSid).fetch();
    const direct = await client.calls.create({
      to: '+15559990000',
      from: '+15550009999',
      twiml: '<Response><Say>Hi</Say></Response>',
    });
    await client.calls(direct.sid).update({ status: 'completed' });
    await client.calls(calls[0]?.sid ?? direct.sid).notifications.list();
    const [recording] = await client.recordings.list({ conferenceSid: customer.conferenceSid });
    await client.recordings(recording?.sid ?? '').fetch();

    const service = await client.intelligence.v2.services.create({
      uniqueName: 'contract',
      webhookUrl: h.app.url('/vi'),
    });
    await client.intelligence.v2.services(service.sid).fetch();
    const operators = await client.intelligence.v2.operators.list();
    await client.intelligence.v2.prebuiltOperators.list();
    await client.intelligence.v2.operators(operators[0]?.sid ?? '').fetch();
    // Not checked: GET /v2/Services/{ServiceSid}/Operators, whose spec gives ServiceSid the LY pattern (a spec bug).
    const transcript = await client.intelligence.v2.transcripts.create({
      serviceSid: service.sid,
      channel: {
        media_properties: { source_sid: recording?.sid },
        participants: [
          { channel_participant: 1, role: 'Customer' },
          { channel_participant: 2, role: 'Agent' },
        ],
      },
      customerKey: 'contract-1',
    });
    await h.sim.whenIdle();
    await client.intelligence.v2.transcripts(transcript.sid).fetch();
    await client.intelligence.v2.transcripts.list({ serviceSid: service.sid });
    await client.intelligence.v2.transcripts(transcript.sid).sentences.list();
    await client.intelligence.v2.transcripts(transcript.sid).operatorResults.list();
    const error = await client
      .calls(`CA${'0'.repeat(32)}`)
      .fetch()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });

    expect(checker.problems).toEqual([]);
    expect(checker.operations.size).toBeGreaterThanOrEqual(20);
  });
});
