import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_NUMBER,
  answerNumbers,
  CUSTOMER_NUMBER,
  type Harness,
  startHarness,
} from './test-support/setup.js';

// Five recorded calls run through the SDK: about 5 s on a quiet machine, so not vitest's 5 s default.
describe('retention: what the sim keeps of finished calls', { timeout: 60_000 }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ retainFinished: 2 });
    h.app
      .on(
        '/agent',
        '<Response><Say>Thanks for calling, how can I help?</Say><Gather input="speech" action="/agent-turn" speechTimeout="auto"/></Response>',
      )
      .on(
        '/customer',
        '<Response><Gather input="speech" action="/customer-turn" speechTimeout="1"/></Response>',
      )
      .on('/customer-turn', '<Response><Say>My order never arrived.</Say><Pause length="30"/></Response>')
      .on('/agent-turn', '<Response><Say>I will refund it. Goodbye.</Say><Hangup/></Response>');
    await answerNumbers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  /** One recorded two-leg conference call, run to its end, and a transcript of its recording. */
  async function recordedCall(name: string, serviceSid: string) {
    const common = { from: '+15550009999', conferenceRecord: 'record-from-start', endConferenceOnExit: true };
    const customer = await h.client
      .conferences(name)
      .participants.create({ ...common, to: CUSTOMER_NUMBER, label: 'customer' });
    await h.client.conferences(name).participants.create({ ...common, to: AGENT_NUMBER, label: 'agent' });
    await h.sim.whenIdle();
    const [recording] = await h.client.recordings.list({ conferenceSid: customer.conferenceSid });
    if (!recording) throw new Error(`no recording of ${name}`);
    const transcript = await h.client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: {
        media_properties: { source_sid: recording.sid },
        participants: [
          { channel_participant: 1, role: 'Customer' },
          { channel_participant: 2, role: 'Agent' },
        ],
      },
    });
    await h.sim.whenIdle();
    return {
      callSid: customer.callSid,
      conferenceSid: customer.conferenceSid,
      recordingSid: recording.sid,
      transcriptSid: transcript.sid,
    };
  }

  it('keeps the newest finished calls, conferences, recordings and transcripts and forgets older ones', async () => {
    const service = await h.client.intelligence.v2.services.create({ uniqueName: 'retention' });
    const calls = [];
    for (let i = 0; i < 5; i++) calls.push(await recordedCall(`retention-${i}`, service.sid));
    const t = h.sim.telephony;

    // Four legs a call (two participants and their far ends), two conferences, two recordings, two transcripts.
    expect(t.calls.size).toBe(2);
    expect([...t.conferences.values()]).toHaveLength(2);
    expect(t.recordings.size).toBe(2);
    expect(await h.client.intelligence.v2.transcripts.list()).toHaveLength(2);

    // The last call still answers over REST, completed, with its recording and transcript.
    const last = calls[4] as (typeof calls)[number];
    expect((await h.client.conferences(last.conferenceSid).fetch()).status).toBe('completed');
    expect((await h.client.recordings(last.recordingSid).fetch()).status).toBe('completed');
    expect((await h.client.intelligence.v2.transcripts(last.transcriptSid).fetch()).status).toBe('completed');

    // The first is forgotten: 404, as if it had been deleted.
    const first = calls[0] as (typeof calls)[number];
    await expect(h.client.calls(first.callSid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(h.client.conferences(first.conferenceSid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(h.client.recordings(first.recordingSid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(h.client.intelligence.v2.transcripts(first.transcriptSid).fetch()).rejects.toMatchObject({
      status: 404,
    });
  });

  it('transcribes what a recording held even when the recording is forgotten while the transcript is queued', async () => {
    const service = await h.client.intelligence.v2.services.create({ uniqueName: 'forgotten' });
    const kept = await recordedCall('kept', service.sid);
    const keptSentences = await h.client.intelligence.v2.transcripts(kept.transcriptSid).sentences.list();

    const name = 'forgotten-mid-processing';
    const common = { from: '+15550009999', conferenceRecord: 'record-from-start', endConferenceOnExit: true };
    const customer = await h.client
      .conferences(name)
      .participants.create({ ...common, to: CUSTOMER_NUMBER, label: 'customer' });
    await h.client.conferences(name).participants.create({ ...common, to: AGENT_NUMBER, label: 'agent' });
    await h.sim.whenIdle();
    const [recording] = await h.client.recordings.list({ conferenceSid: customer.conferenceSid });
    if (!recording) throw new Error('no recording');
    const transcript = await h.client.intelligence.v2.transcripts.create({
      serviceSid: service.sid,
      channel: {
        media_properties: { source_sid: recording.sid },
        participants: [
          { channel_participant: 1, role: 'Customer' },
          { channel_participant: 2, role: 'Agent' },
        ],
      },
    });
    // What retention does to the oldest recording, done while the transcript waits in its queue.
    h.sim.telephony.recordings.delete(recording.sid);
    await h.sim.whenIdle();

    expect((await h.client.intelligence.v2.transcripts(transcript.sid).fetch()).status).toBe('completed');
    const sentences = await h.client.intelligence.v2.transcripts(transcript.sid).sentences.list();
    expect(keptSentences.length).toBeGreaterThan(0);
    expect(sentences.map((s) => s.mediaChannel)).toEqual(keptSentences.map((s) => s.mediaChannel));
  });
});
