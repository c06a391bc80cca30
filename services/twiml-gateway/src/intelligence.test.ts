import { exampleEvents, TOPICS, type TranscriptAnalyzed } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test-support/harness.js';
import type { VoiceIntelligence } from './voice-intelligence.js';

const RECORDING_SID = `RE${'a'.repeat(32)}`;
const TRANSCRIPT_SID = `GT${'b'.repeat(32)}`;
const SERVICE_SID = `GA${'c'.repeat(32)}`;

/** A hand-written fake of the port: records what it was asked, answers with a fixed analysis. */
class FakeIntelligence implements VoiceIntelligence {
  readonly serviceSid = SERVICE_SID;
  created: Array<{ callId: string; recordingSid: string }> = [];
  failCreate = false;
  /** Thrown by `analyzed`: shaped like the SDK's RestException for an upstream 404. */
  analyzeError: Error | undefined;
  async createTranscript(o: { callId: string; recordingSid: string }): Promise<string> {
    this.created.push(o);
    if (this.failCreate) throw new Error('Twilio said 500');
    return TRANSCRIPT_SID;
  }
  async analyzed(o: { callId: string; transcriptSid: string; now: Date }): Promise<TranscriptAnalyzed> {
    if (this.analyzeError) throw this.analyzeError;
    return {
      ...exampleEvents(o.callId).TranscriptAnalyzed,
      transcriptSid: o.transcriptSid,
      analyzedAt: o.now,
    };
  }
}

const recordingCallback = {
  RecordingSid: RECORDING_SID,
  RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
  RecordingStatus: 'completed',
  RecordingDuration: '95',
  RecordingChannels: '1',
  RecordingSource: 'Conference',
};
const transcriptAvailable = (callId: string) => ({
  account_sid: `AC${'0'.repeat(32)}`,
  service_sid: SERVICE_SID,
  transcript_sid: TRANSCRIPT_SID,
  customer_key: callId,
  encryption_credential_sid: null,
  event_type: 'voice_intelligence_transcript_available',
});

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
async function harness(intelligence = new FakeIntelligence()) {
  const h = await startHarness({ intelligence });
  harnesses.push(h);
  await h.plan('call-9');
  return { h, intelligence };
}

describe('twiml-gateway and Voice Intelligence', () => {
  it('asks for one transcript per completed recording, keyed by the call, even when the callback comes twice', async () => {
    const { h, intelligence } = await harness();
    for (let i = 0; i < 2; i++) {
      expect((await h.post('/twilio/status/recording?callId=call-9', recordingCallback)).status).toBe(204);
    }
    expect(intelligence.created).toEqual([{ callId: 'call-9', recordingSid: RECORDING_SID }]);
    // The recording event itself is at-least-once: a repeat carries the same eventId, which consumers deduplicate.
    expect(new Set((await h.published(TOPICS.recordings)).map((r) => r.eventId)).size).toBe(1);
  });

  it('keeps the recording event and logs SYNTH_TRANSCRIPT_FAILED when the transcript cannot be created', async () => {
    const failing = new FakeIntelligence();
    failing.failCreate = true;
    const { h } = await harness(failing);
    expect((await h.post('/twilio/status/recording?callId=call-9', recordingCallback)).status).toBe(204);
    expect(await h.published(TOPICS.recordings)).toHaveLength(1);
    expect(h.logLines.some((l) => l.code === 'SYNTH_TRANSCRIPT_FAILED')).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    `http://169.254.169.254/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
    `https://api.twilio.com.evil.test/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
    `http://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`,
    'https://api.twilio.com/../../etc/passwd',
  ])(
    'refuses a recording callback whose RecordingUrl is %s with 400 SYNTH_RECORDING_URL_INVALID, publishing and fetching nothing',
    async (url) => {
      const { h, intelligence } = await harness();
      const res = await h.post('/twilio/status/recording?callId=call-9', {
        ...recordingCallback,
        RecordingUrl: url,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/RecordingUrl/);
      expect(h.logLines.some((l) => l.code === 'SYNTH_RECORDING_URL_INVALID')).toBe(true);
      expect(await h.published(TOPICS.recordings)).toEqual([]);
      expect(intelligence.created).toEqual([]);
    },
  );

  it('takes recordings from the API origin it is configured for (TWILIO_API_BASE_URL), and only from there', async () => {
    const h = await startHarness({
      intelligence: new FakeIntelligence(),
      env: { TWILIO_API_BASE_URL: 'http://twilio-sim:8080' },
    });
    harnesses.push(h);
    await h.plan('call-9');
    const simUrl = `http://twilio-sim:8080/2010-04-01/Accounts/AC${'0'.repeat(32)}/Recordings/${RECORDING_SID}`;
    const post = (RecordingUrl: string) =>
      h.post('/twilio/status/recording?callId=call-9', { ...recordingCallback, RecordingUrl });
    expect((await post(simUrl)).status).toBe(204);
    expect((await post(recordingCallback.RecordingUrl)).status).toBe(400);
    expect(await h.published(TOPICS.recordings)).toHaveLength(1);
  });

  it('turns the signed transcript-available webhook into a TranscriptAnalyzed for the call in customer_key', async () => {
    const { h } = await harness();
    const res = await h.postJson('/twilio/intelligence', transcriptAvailable('call-9'));
    expect(res.status).toBe(204);
    const [event] = await h.published(TOPICS.transcripts);
    expect(event).toMatchObject({ callId: 'call-9', transcriptSid: TRANSCRIPT_SID });
  });

  it('refuses an unsigned transcript webhook with 400 and a forged one with 403, publishing nothing', async () => {
    const { h } = await harness();
    expect(
      (await h.postJson('/twilio/intelligence', transcriptAvailable('call-9'), { signature: null })).status,
    ).toBe(400);
    expect(
      (await h.postJson('/twilio/intelligence', transcriptAvailable('call-9'), { signature: 'Zm9yZ2Vk' }))
        .status,
    ).toBe(403);
    expect(await h.published(TOPICS.transcripts)).toEqual([]);
  });

  it('answers an upstream 404 with its own short message, never the upstream status or body, and publishes nothing', async () => {
    const failing = new FakeIntelligence();
    failing.analyzeError = Object.assign(
      new Error(
        `The requested resource /v2/Transcripts/${TRANSCRIPT_SID} was not found (secret-upstream-detail)`,
      ),
      { status: 404, code: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404' },
    );
    const { h } = await harness(failing);
    const res = await h.postJson('/twilio/intelligence', transcriptAvailable('call-9'));
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toBe('upstream request failed');
    expect(await h.published(TOPICS.transcripts)).toEqual([]);
    expect(h.logLines.some((l) => l.code === 'SYNTH_UPSTREAM_FAILED' && l.upstreamStatus === 404)).toBe(true);
  });

  it('refuses a transcript webhook without a transcript SID or customer key with 400 naming the field', async () => {
    const { h } = await harness();
    const noKey = await h.postJson('/twilio/intelligence', { ...transcriptAvailable('x'), customer_key: '' });
    expect(noKey.status).toBe(400);
    expect(await noKey.text()).toMatch(/customer_key/);
    const noSid = await h.postJson('/twilio/intelligence', {
      ...transcriptAvailable('x'),
      transcript_sid: 'nope',
    });
    expect(noSid.status).toBe(400);
    expect(await noSid.text()).toMatch(/transcript_sid/);
  });
});
