import { BARGE_IN_STOP_SEC, spokenBefore } from '@synthcall/speech-timing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWav } from './audio/wav.js';
import {
  ACCOUNT_SID,
  AGENT_NUMBER,
  AUTH_TOKEN,
  answerNumbers,
  CUSTOMER_NUMBER,
  type Harness,
  startHarness,
  validSignature,
} from './test-support/setup.js';

const GREETING = 'Thank you for calling Acme support, how can I help you today?';
const PROBLEM = 'My internet has been down since this morning.';
const FAREWELL = 'I have reset your line, goodbye.';
const CALLER_ID = '+15550009999';

/** The TwiML of both legs: the agent greets, the customer states the problem, the agent says goodbye. */
function routes(h: Harness): void {
  h.app
    .on(
      '/agent',
      `<Response><Say voice="Polly.Matthew-Neural">${GREETING}</Say><Gather input="speech" action="/agent-turn" speechTimeout="auto"/></Response>`,
    )
    .on(
      '/customer',
      '<Response><Gather input="speech" action="/customer-turn" speechTimeout="2" timeout="10"/></Response>',
    )
    .on(
      '/customer-turn',
      `<Response><Say voice="Polly.Joanna-Neural">${PROBLEM}</Say><Gather input="speech" action="/customer-turn" speechTimeout="auto"/></Response>`,
    )
    .on('/agent-turn', `<Response><Say voice="Polly.Matthew-Neural">${FAREWELL}</Say><Hangup/></Response>`);
}

describe('a two-leg conference placed through the official SDK', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ asrWer: 0 });
    routes(h);
  });
  afterEach(async () => {
    await h.close();
  });

  async function placeConference(pauseBetweenMs = 0) {
    await answerNumbers(h, '/agent?role=agent', '/customer?role=customer');
    const common = {
      from: CALLER_ID,
      statusCallback: h.app.url('/call-status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      conferenceStatusCallback: h.app.url('/conference-status'),
      conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
      conferenceRecord: 'record-from-start',
      conferenceRecordingStatusCallback: h.app.url('/recording-status'),
      endConferenceOnExit: true,
    };
    const customer = await h.client
      .conferences('synthcall-test-1')
      .participants.create({ ...common, to: CUSTOMER_NUMBER, label: 'customer' });
    if (pauseBetweenMs > 0) await new Promise((r) => setTimeout(r, pauseBetweenMs));
    const agent = await h.client
      .conferences('synthcall-test-1')
      .participants.create({ ...common, to: AGENT_NUMBER, label: 'agent' });
    await h.sim.whenIdle();
    return { customer, agent };
  }

  it('answers each leg from its number, bridges speech between them and ends with a dual-channel recording', async () => {
    const { customer, agent } = await placeConference();
    expect(customer.status).toBe('queued');
    expect(customer.label).toBe('customer');
    expect(customer.conferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
    expect(agent.conferenceSid).toBe(customer.conferenceSid);

    // Every webhook is signed as Twilio signs it.
    expect(h.app.received.length).toBeGreaterThan(8);
    for (const hook of h.app.received) expect(validSignature(hook), `${hook.path} signature`).toBe(true);

    // The answering legs: inbound calls to the numbers, with their own CallSids, running the TwiML.
    const [agentVoice] = h.app.at('/agent');
    const [customerVoice] = h.app.at('/customer');
    expect(agentVoice?.params).toMatchObject({
      Direction: 'inbound',
      From: CALLER_ID,
      To: AGENT_NUMBER,
      CallStatus: 'ringing',
      AccountSid: ACCOUNT_SID,
    });
    expect(customerVoice?.params).toMatchObject({
      Direction: 'inbound',
      From: CALLER_ID,
      To: CUSTOMER_NUMBER,
    });
    expect(agentVoice?.params.CallSid).not.toBe(agent.callSid);
    expect(customerVoice?.params.CallSid).not.toBe(customer.callSid);
    expect(agentVoice?.url).toBe(h.app.url('/agent?role=agent'));

    // Speech crosses the conference: each Gather hears what the other leg said.
    const [customerHeard] = h.app.at('/customer-turn');
    expect(customerHeard?.params.SpeechResult).toBe(GREETING);
    expect(Number(customerHeard?.params.Confidence)).toBeGreaterThan(0.5);
    expect(Number(customerHeard?.params.Confidence)).toBeLessThanOrEqual(1);
    expect(customerHeard?.params.CallSid).toBe(customerVoice?.params.CallSid);
    const [agentHeard] = h.app.at('/agent-turn');
    expect(agentHeard?.params.SpeechResult).toBe(PROBLEM);

    // Webhook order as the conversation happened.
    const voicePaths = h.app.received.filter((w) => !w.path.endsWith('-status')).map((w) => w.path);
    expect(voicePaths).toEqual(['/customer', '/agent', '/customer-turn', '/agent-turn']);

    // Call status callbacks of both participant legs (the outbound-api legs in the conference).
    const callStatus = h.app.at('/call-status');
    for (const sid of [customer.callSid, agent.callSid]) {
      const own = callStatus.filter((s) => s.params.CallSid === sid);
      expect(own.map((s) => s.params.CallStatus)).toEqual([
        'initiated',
        'ringing',
        'in-progress',
        'completed',
      ]);
      expect(own.every((s) => s.params.Direction === 'outbound-api')).toBe(true);
    }

    // Conference status callbacks: subscribed events only, numbered, with labels.
    const conf = h.app.at('/conference-status').map((s) => s.params);
    expect(conf.map((p) => `${p.StatusCallbackEvent}:${p.ParticipantLabel ?? ''}`)).toEqual([
      'participant-join:customer',
      'participant-join:agent',
      'conference-start:',
      'participant-leave:agent',
      'participant-leave:customer',
      'conference-end:',
    ]);
    expect(conf.map((p) => Number(p.SequenceNumber))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      conf.every((p) => p.ConferenceSid === customer.conferenceSid && p.FriendlyName === 'synthcall-test-1'),
    ).toBe(true);
    expect(conf[3]).toMatchObject({
      CallSid: agent.callSid,
      ReasonParticipantLeft: 'participant_hung_up',
      ParticipantCallStatus: 'completed',
    });
    expect(conf[5]).toMatchObject({
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
      CallSidEndingConference: agent.callSid,
      ParticipantLabelEndingConference: 'agent',
    });

    // One recording of the conference, stored dual-channel; its callback (channels 1, as documented) and its WAV.
    const recordings = await h.client.recordings.list({ conferenceSid: customer.conferenceSid });
    expect(recordings).toHaveLength(1);
    const recording = recordings[0];
    expect(recording?.channels).toBe(2);
    expect(recording?.source).toBe('Conference');
    expect(recording?.status).toBe('completed');
    const [recCallback] = h.app.at('/recording-status');
    expect(recCallback?.params).toMatchObject({
      ConferenceSid: customer.conferenceSid,
      RecordingSid: recording?.sid,
      RecordingStatus: 'completed',
      RecordingChannels: '1',
      RecordingSource: 'Conference',
    });
    const media = await fetch(`${recCallback?.params.RecordingUrl}.wav?RequestedChannels=2`, {
      headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` },
    });
    expect(media.headers.get('content-type')).toBe('audio/x-wav');
    const wav = decodeWav(new Uint8Array(await media.arrayBuffer()));
    expect(wav.channels).toHaveLength(2);
    const seconds = (wav.channels[0]?.length ?? 0) / wav.sampleRate;
    expect(Math.abs(seconds - Number(recording?.duration))).toBeLessThanOrEqual(1);
    expect(Number(recording?.duration)).toBeGreaterThan(3);

    const conference = await h.client.conferences(customer.conferenceSid).fetch();
    expect(conference.status).toBe('completed');
  });

  it('gives the conference the same virtual timeline however long the client takes between the two participants', async () => {
    // A busy client (or machine) sends the second create late in real time; the first leg must not ring, answer and
    // wait alone meanwhile, or the same run would get other timestamps under load.
    const timeline = () =>
      h.app.at('/conference-status').map((r) => [r.params.StatusCallbackEvent, r.params.Timestamp]);
    // Both runs start their virtual clock at the same instant, so Timestamps (whole seconds) are comparable.
    const startTimeMs = Date.UTC(2026, 0, 5, 9, 0, 0);
    await h.close();
    h = await startHarness({ asrWer: 0, startTimeMs });
    routes(h);
    await placeConference(400);
    const late = timeline();
    await h.close();
    h = await startHarness({ asrWer: 0, startTimeMs });
    routes(h);
    await placeConference(0);
    expect(late.map(([event]) => event)).toContain('conference-end');
    expect(late).toEqual(timeline());
  });

  it('still answers a lone first participant, so a client that waits for that answer before the second can go on', async () => {
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: CUSTOMER_NUMBER,
      voiceUrl: h.app.url('/customer?role=customer'),
    });
    await h.client.conferences('lonely').participants.create({
      from: CALLER_ID,
      to: CUSTOMER_NUMBER,
      label: 'customer',
      statusCallback: h.app.url('/call-status'),
      statusCallbackEvent: ['answered'],
    });
    // The clock holds while it rings alone, but only for a bounded real time: then the leg is answered.
    const answered = await h.app.waitFor(
      (w) => w.path === '/call-status' && w.params.CallStatus === 'in-progress',
    );
    expect(answered.params.CallStatus).toBe('in-progress');
  });

  it('keeps a full event log per call, with what was said and heard', async () => {
    await placeConference();
    const customerSid = h.app.at('/customer')[0]?.params.CallSid;
    const res = await fetch(`${h.sim.baseUrl}/_sim/calls/${customerSid}/events`);
    const log = (await res.json()) as { events: Array<{ type: string; [k: string]: unknown }> };
    const types = log.events.map((e) => e.type);
    expect(types).toContain('webhook');
    expect(types).toContain('twiml');
    expect(log.events.find((e) => e.type === 'said')?.text).toBe(PROBLEM);
    expect(log.events.find((e) => e.type === 'heard' && e.result !== undefined)?.result).toBe(GREETING);
  });

  it('lists conferences by friendly name and participants while the call is live', async () => {
    h.app
      .on('/agent', '<Response><Pause length="60"/></Response>')
      .on('/customer', '<Response><Pause length="60"/></Response>');
    await answerNumbers(h);
    const first = await h.client
      .conferences('room-a')
      .participants.create({ from: CALLER_ID, to: CUSTOMER_NUMBER, label: 'customer' });
    await h.client
      .conferences('room-a')
      .participants.create({ from: CALLER_ID, to: AGENT_NUMBER, label: 'agent' });
    await h.app.waitFor((w) => w.path === '/agent');
    const release = h.sim.holdClock();
    const found = await h.client.conferences.list({ friendlyName: 'room-a' });
    expect(found.map((c) => c.sid)).toEqual([first.conferenceSid]);
    const byLabel = await h.client.conferences(first.conferenceSid).participants('customer').fetch();
    expect(byLabel.callSid).toBe(first.callSid);
    expect(byLabel.status).toBe('connected');
    await h.client.conferences(first.conferenceSid).update({ status: 'completed' });
    release();
    await h.sim.whenIdle();
    const ended = await h.client.conferences(first.conferenceSid).fetch();
    expect(ended.status).toBe('completed');
    expect(ended.reasonConferenceEnded).toBe('conference-ended-via-api');
    expect((await h.client.calls(first.callSid).fetch()).status).toBe('completed');
  });

  it('lets a REST update redirect an answering leg, whose new TwiML still speaks into the conference', async () => {
    h.app
      .on('/agent', '<Response><Pause length="600"/></Response>')
      .on(
        '/customer',
        '<Response><Gather input="speech" action="/customer-turn" speechTimeout="1" timeout="30"/></Response>',
      )
      .on('/customer-turn', '<Response><Hangup/></Response>');
    await answerNumbers(h);
    await h.client
      .conferences('redirect')
      .participants.create({ from: CALLER_ID, to: CUSTOMER_NUMBER, label: 'customer' });
    await h.client
      .conferences('redirect')
      .participants.create({ from: CALLER_ID, to: AGENT_NUMBER, label: 'agent' });
    // Hold the fast clock from the agent's webhook until the update is in, or the customer's Gather could
    // time out while this test is between requests.
    const agentLeg = (await h.app.waitFor((w) => w.path === '/agent')).params.CallSid ?? '';
    const release = h.sim.holdClock();
    await h.client.calls(agentLeg).update({ twiml: `<Response><Say>${FAREWELL}</Say><Hangup/></Response>` });
    release();
    await h.sim.whenIdle();
    expect(h.app.at('/customer-turn')[0]?.params.SpeechResult).toBe(FAREWELL);
  });

  it('stops a line said in a barge-in Gather when the other leg, whose Gather ends at maxSpeechTime, talks over it', async () => {
    const LONG =
      'Let me read you the whole policy, section by section, so that nothing in it comes as a surprise to you later on.';
    const CUT_IN = 'Sorry, sorry, go on.';
    h.app
      .on(
        '/agent-app',
        `<Response><Gather input="speech" bargeIn="true" action="/agent-heard" speechTimeout="1"><Say voice="Polly.Matthew-Neural">${LONG}</Say></Gather></Response>`,
      )
      .on(
        '/customer-app',
        '<Response><Gather input="speech" action="/customer-cut" speechTimeout="1" maxSpeechTime="2"/></Response>',
      )
      .on(
        '/customer-cut',
        `<Response><Say voice="Polly.Joanna-Neural">${CUT_IN}</Say><Pause length="5"/></Response>`,
      )
      .on('/agent-heard', '<Response><Hangup/></Response>');
    const agentApp = await h.client.applications.create({ voiceUrl: h.app.url('/agent-app') });
    const customerApp = await h.client.applications.create({ voiceUrl: h.app.url('/customer-app') });
    const common = { from: CALLER_ID, endConferenceOnExit: true };
    await h.client
      .conferences('barge-in')
      .participants.create({ ...common, to: `app:${customerApp.sid}`, label: 'customer' });
    await h.client
      .conferences('barge-in')
      .participants.create({ ...common, to: `app:${agentApp.sid}`, label: 'agent' });
    await h.sim.whenIdle();

    // The customer's recogniser stopped after 2 s of the agent's line, with the words begun by then.
    const partial = spokenBefore(LONG, 'Polly.Matthew-Neural', 2).said;
    expect(h.app.at('/customer-cut')[0]?.params.SpeechResult).toBe(partial);
    // The agent's voice stopped BARGE_IN_STOP_SEC after the customer started, at the end of a word; its Gather heard
    // the customer's interjection.
    const said = spokenBefore(LONG, 'Polly.Matthew-Neural', 2 + BARGE_IN_STOP_SEC).said;
    expect(said.length).toBeLessThan(LONG.length);
    expect(h.app.at('/agent-heard')[0]?.params.SpeechResult).toBe(CUT_IN);
    const agentSid = h.app.at('/agent-app')[0]?.params.CallSid;
    const res = await fetch(`${h.sim.baseUrl}/_sim/calls/${agentSid}/events`);
    const log = (await res.json()) as { events: Array<{ type: string; [k: string]: unknown }> };
    const line = log.events.find((e) => e.type === 'said');
    expect(line?.text).toBe(said);
    expect(line?.bargedInAtSec).toBeGreaterThan(2 + BARGE_IN_STOP_SEC - 0.001);
  });

  it('keeps concurrent conferences apart: each leg hears only its own partner', async () => {
    h.app
      .on(
        '/agent-app',
        (w) => `<Response><Say>This is agent number ${w.params.n}</Say><Pause length="20"/></Response>`,
      )
      .on(
        '/customer-app',
        '<Response><Gather input="speech" action="/customer-heard" speechTimeout="1"/></Response>',
      )
      .on('/customer-heard', '<Response><Hangup/></Response>');
    const agentApp = await h.client.applications.create({ voiceUrl: h.app.url('/agent-app') });
    const customerApp = await h.client.applications.create({ voiceUrl: h.app.url('/customer-app') });
    const rooms = ['1', '2', '3'];
    await Promise.all(
      rooms.map(async (n) => {
        const common = { from: CALLER_ID, endConferenceOnExit: true };
        await h.client
          .conferences(`parallel-${n}`)
          .participants.create({ ...common, to: `app:${customerApp.sid}?n=${n}`, label: 'customer' });
        await h.client
          .conferences(`parallel-${n}`)
          .participants.create({ ...common, to: `app:${agentApp.sid}?n=${n}`, label: 'agent' });
      }),
    );
    await h.sim.whenIdle();
    const heard = h.app.at('/customer-heard').map((w) => [w.params.n, w.params.SpeechResult]);
    // The recogniser writes the number it hears in words.
    const inWords = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    expect(heard.sort()).toEqual(rooms.map((n) => [n, `This is agent number ${inWords[Number(n) - 1]}`]));
  });

  it("plays one conference on while another conference's webhook is unanswered (a clock per call)", async () => {
    let answerSlow!: (twiml: string) => void;
    const slowAnswer = new Promise<string>((resolve) => (answerSlow = resolve));
    const gather = '<Response><Gather input="speech" action="/customer-heard" speechTimeout="1"/></Response>';
    h.app
      .on(
        '/agent-app',
        (w) => `<Response><Say>This is agent number ${w.params.n}</Say><Pause length="20"/></Response>`,
      )
      .on('/customer-app', (w) => (w.params.n === 'slow' ? slowAnswer : gather))
      .on('/customer-heard', '<Response><Hangup/></Response>');
    const agentApp = await h.client.applications.create({ voiceUrl: h.app.url('/agent-app') });
    const customerApp = await h.client.applications.create({ voiceUrl: h.app.url('/customer-app') });
    for (const n of ['slow', 'fast']) {
      const common = { from: CALLER_ID, endConferenceOnExit: true };
      await h.client
        .conferences(`clock-${n}`)
        .participants.create({ ...common, to: `app:${customerApp.sid}?n=${n}`, label: 'customer' });
      await h.client
        .conferences(`clock-${n}`)
        .participants.create({ ...common, to: `app:${agentApp.sid}?n=${n}`, label: 'agent' });
    }
    // The fast call needs simulated time (a ring, the agent's line, the customer's speech timeout) while the slow
    // call's first webhook is still unanswered: on one clock for all calls it would wait for that answer (or for the
    // webhook to time out: a notification).
    const heard = await h.app.waitFor((w) => w.path === '/customer-heard' && w.params.n === 'fast');
    expect(heard.params.SpeechResult).toBe('This is agent number fast');
    expect(h.app.at('/customer-heard').filter((w) => w.params.n === 'slow')).toEqual([]);
    expect(h.sim.telephony.notifications).toEqual([]);
    answerSlow(gather);
    await h.sim.whenIdle();
    const slow = h.app.at('/customer-heard').find((w) => w.params.n === 'slow');
    expect(slow?.params.SpeechResult).toBe('This is agent number slow');
  });

  it('takes a participant out of the conference on a Url/Twiml update and lets it talk to its far end directly', async () => {
    h.app
      .on(
        '/agent',
        '<Response><Gather input="speech" action="/agent-heard" speechTimeout="1" timeout="30"/></Response>',
      )
      .on('/customer', '<Response><Pause length="600"/></Response>')
      .on('/agent-heard', '<Response><Hangup/></Response>')
      .on('/conf', '');
    await answerNumbers(h);
    const common = {
      from: CALLER_ID,
      conferenceStatusCallback: h.app.url('/conf'),
      conferenceStatusCallbackEvent: ['leave'],
    };
    await h.client
      .conferences('update-out')
      .participants.create({ ...common, to: CUSTOMER_NUMBER, label: 'customer' });
    const agent = await h.client
      .conferences('update-out')
      .participants.create({ ...common, to: AGENT_NUMBER, label: 'agent' });
    await h.app.waitFor((w) => w.path === '/agent');
    const release = h.sim.holdClock();
    await h.client
      .calls(agent.callSid)
      .update({ twiml: '<Response><Say>Only you can hear this</Say><Pause length="5"/></Response>' });
    release();
    await h.sim.whenIdle();
    expect(h.app.at('/agent-heard')[0]?.params.SpeechResult).toBe('Only you can hear this');
    const [left] = h.app.at('/conf');
    expect(left?.params).toMatchObject({
      CallSid: agent.callSid,
      ReasonParticipantLeft: 'participant_updated_via_api',
    });
  });
});
