import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_TOKEN, type Harness, startHarness } from './test-support/setup.js';

const AGENT_LINE = 'Thank you for calling Acme, my name is Sam. How can I help?';
const CUSTOMER_LINE = 'I am really unhappy, my order number 4417 2209 never arrived and I want a refund.';

describe('Voice Intelligence v2 over the official SDK', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ asrWer: 0 });
  });
  afterEach(async () => {
    await h.close();
  });

  /** A recorded two-leg conference: customer joins first (channel 1), agent second (channel 2). */
  async function recordedCall(): Promise<string> {
    h.app
      .on(
        '/agent',
        `<Response><Say voice="Polly.Matthew-Neural">${AGENT_LINE}</Say><Gather input="speech" action="/agent-turn" speechTimeout="auto"/></Response>`,
      )
      .on(
        '/customer',
        '<Response><Gather input="speech" action="/customer-turn" speechTimeout="1"/></Response>',
      )
      .on(
        '/customer-turn',
        `<Response><Say voice="Polly.Joanna-Neural">${CUSTOMER_LINE}</Say><Pause length="30"/></Response>`,
      )
      .on(
        '/agent-turn',
        '<Response><Say voice="Polly.Matthew-Neural">I am sorry, I will refund you now. Goodbye.</Say><Hangup/></Response>',
      );
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550001000',
      voiceUrl: h.app.url('/agent'),
    });
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550002000',
      voiceUrl: h.app.url('/customer'),
    });
    const common = { from: '+15550009999', conferenceRecord: 'record-from-start', endConferenceOnExit: true };
    const customer = await h.client
      .conferences('vi')
      .participants.create({ ...common, to: '+15550002000', label: 'customer' });
    await h.client.conferences('vi').participants.create({ ...common, to: '+15550001000', label: 'agent' });
    await h.sim.whenIdle();
    const [recording] = await h.client.recordings.list({ conferenceSid: customer.conferenceSid });
    if (!recording) throw new Error('no recording');
    return recording.sid;
  }

  it('transcribes a recording per channel, runs the service operators and posts the signed transcript-available webhook', async () => {
    const recordingSid = await recordedCall();
    const service = await h.client.intelligence.v2.services.create({
      uniqueName: 'synthcall',
      webhookUrl: h.app.url('/vi-webhook'),
    });
    expect(service.sid).toMatch(/^GA[0-9a-f]{32}$/);
    expect(service.dateCreated).toBeInstanceOf(Date);
    const created = await h.client.intelligence.v2.transcripts.create({
      serviceSid: service.sid,
      channel: {
        media_properties: { source_sid: recordingSid },
        participants: [
          { channel_participant: 1, role: 'Customer', user_id: 'customer-1' },
          { channel_participant: 2, role: 'Agent', user_id: 'agent-1' },
        ],
      },
      customerKey: 'call-42',
    });
    expect(created.sid).toMatch(/^GT[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    await h.sim.whenIdle();

    const [hook] = h.app.at('/vi-webhook');
    expect(JSON.parse(hook?.raw ?? '{}')).toEqual({
      account_sid: service.accountSid,
      service_sid: service.sid,
      transcript_sid: created.sid,
      customer_key: 'call-42',
      encryption_credential_sid: null,
      event_type: 'voice_intelligence_transcript_available',
    });
    expect(
      twilio.validateRequestWithBody(AUTH_TOKEN, hook?.signature ?? '', hook?.url ?? '', hook?.raw ?? ''),
    ).toBe(true);

    const transcript = await h.client.intelligence.v2.transcripts(created.sid).fetch();
    expect(transcript.status).toBe('completed');
    expect(transcript.duration).toBeGreaterThan(0);
    const sentences = await h.client.intelligence.v2.transcripts(created.sid).sentences.list();
    const byChannel = (channel: number) =>
      sentences
        .filter((s) => s.mediaChannel === channel)
        .map((s) => s.transcript)
        .join(' ');
    // A recogniser writes what it hears in words: the order number comes out digit by digit.
    expect(byChannel(1)).toBe(
      'I am really unhappy, my order number four four one seven two two zero nine never arrived and I want a refund.',
    );
    expect(byChannel(2)).toContain('my name is Sam');
    expect(sentences.every((s) => /^GX[0-9a-f]{32}$/.test(s.sid))).toBe(true);

    const results = await h.client.intelligence.v2.transcripts(created.sid).operatorResults.list();
    expect(results.map((r) => r.name).sort()).toEqual([
      'Call Reason',
      'PII Extraction',
      'Sentiment Analysis',
      'Summarization',
    ]);
    // The PII operator reads the spoken digits back into the number.
    const pii = results.find((r) => r.name === 'PII Extraction');
    expect((pii?.extractResults as Record<string, string[]> | undefined)?.order_number).toEqual(['44172209']);
    const sentiment = results.find((r) => r.name === 'Sentiment Analysis');
    expect(sentiment?.predictedLabel).toBe('negative');
    const listed = await h.client.intelligence.v2.transcripts.list({ serviceSid: service.sid });
    expect(listed.map((t) => t.sid)).toEqual([created.sid]);
  });

  it('runs only the operators still attached to the service', async () => {
    const recordingSid = await recordedCall();
    const service = await h.client.intelligence.v2.services.create({ uniqueName: 'only-sentiment' });
    const all = (await h.client.intelligence.v2.services(service.sid).fetch()).readOnlyAttachedOperatorSids;
    const keep = (
      await h.client.intelligence.v2.transcripts.create({
        serviceSid: service.sid,
        channel: { media_properties: { source_sid: recordingSid } },
      })
    ).sid;
    await h.sim.whenIdle();
    expect((await h.client.intelligence.v2.transcripts(keep).operatorResults.list()).length).toBe(all.length);
    for (const sid of all.slice(1))
      await h.client.intelligence.v2.operatorAttachment(service.sid, sid).remove();
    const created = await h.client.intelligence.v2.transcripts.create({
      serviceSid: service.sid,
      channel: { media_properties: { source_sid: recordingSid } },
    });
    await h.sim.whenIdle();
    const results = await h.client.intelligence.v2.transcripts(created.sid).operatorResults.list();
    expect(results.map((r) => r.operatorSid)).toEqual(all.slice(0, 1));
  });

  it('refuses a transcript for an unknown service or recording with 400', async () => {
    const service = await h.client.intelligence.v2.services.create({ uniqueName: 'x' });
    const unknownService = await h.client.intelligence.v2.transcripts
      .create({
        serviceSid: `GA${'0'.repeat(32)}`,
        channel: { media_properties: { source_sid: `RE${'0'.repeat(32)}` } },
      })
      .catch((e: unknown) => e);
    expect(unknownService).toMatchObject({ status: 400 });
    const unknownRecording = await h.client.intelligence.v2.transcripts
      .create({
        serviceSid: service.sid,
        channel: { media_properties: { source_sid: `RE${'0'.repeat(32)}` } },
      })
      .catch((e: unknown) => e);
    expect(unknownRecording).toMatchObject({ status: 400 });
  });
});
