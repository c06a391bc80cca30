import { afterEach, describe, expect, it } from 'vitest';
import { audioRecordingRenderer } from './adapters/audio-module.js';
import { type DecodedWav, decodeWav } from './audio/wav.js';
import { ACCOUNT_SID, AUTH_TOKEN, type Harness, startHarness } from './test-support/setup.js';

function energy(samples: Int16Array | undefined, fromSec: number, toSec: number, rate: number): number {
  if (!samples) return 0;
  let sum = 0;
  for (let i = Math.floor(fromSec * rate); i < Math.min(samples.length, Math.floor(toSec * rate)); i++)
    sum += Math.abs(samples[i] ?? 0);
  return sum;
}

describe('conference recordings', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** Stands in for espeak-ng (not on every CI machine): a steady tone, 0.3 s per word. */
  async function tone(request: { text: string }): Promise<DecodedWav> {
    const samples = new Int16Array(Math.round(request.text.split(' ').length * 0.3 * 8000)).fill(1000);
    return { sampleRate: 8000, channels: [samples] };
  }

  async function record(audio: boolean, query = '?RequestedChannels=2') {
    h = await startHarness(audio ? { renderer: audioRecordingRenderer(true, tone) } : {});
    h.app
      .on(
        '/first',
        '<Response><Say voice="Polly.Joanna-Neural">Hello, I need help.</Say><Pause length="6"/><Hangup/></Response>',
      )
      .on(
        '/second',
        '<Response><Pause length="4"/><Say voice="Polly.Matthew-Neural">Sure.</Say><Pause length="10"/></Response>',
      );
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550001000',
      voiceUrl: h.app.url('/first'),
    });
    await h.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550002000',
      voiceUrl: h.app.url('/second'),
    });
    const common = {
      from: '+15550009999',
      conferenceRecord: 'record-from-start',
      endConferenceOnExit: true,
      conferenceRecordingStatusCallback: h.app.url('/rec'),
      conferenceRecordingStatusCallbackEvent: ['in-progress', 'completed'],
    };
    const first = await h.client.conferences('rec').participants.create({ ...common, to: '+15550001000' });
    await h.client.conferences('rec').participants.create({ ...common, to: '+15550002000' });
    await h.sim.whenIdle();
    const [recording] = await h.client.conferences(first.conferenceSid).recordings.list();
    if (!recording) throw new Error('no recording');
    const res = await fetch(
      `${h.sim.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recording.sid}.wav${query}`,
      {
        headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` },
      },
    );
    return { recording, wav: decodeWav(new Uint8Array(await res.arrayBuffer())) };
  }

  it('is a silent two-channel WAV of the conference length without --audio, announced in-progress then completed', async () => {
    const { recording, wav } = await record(false);
    expect(wav.channels).toHaveLength(2);
    expect((wav.channels[0]?.length ?? 0) / wav.sampleRate).toBeCloseTo(Number(recording.duration), 0);
    expect(
      energy(wav.channels[0], 0, 100, wav.sampleRate) + energy(wav.channels[1], 0, 100, wav.sampleRate),
    ).toBe(0);
    expect(h.app.at('/rec').map((r) => r.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
    const fetched = await h.client.recordings(recording.sid).fetch();
    expect(fetched).toMatchObject({ channels: 2, source: 'Conference', status: 'completed', callSid: null });
  });

  it('carries each participant on its own channel with audio on, the first to join on channel 1', async () => {
    const { wav } = await record(true);
    const rate = wav.sampleRate;
    // First participant speaks from 0 s, the second from 4 s.
    expect(energy(wav.channels[0], 0, 1.5, rate)).toBeGreaterThan(0);
    expect(energy(wav.channels[1], 0, 1.5, rate)).toBe(0);
    expect(energy(wav.channels[1], 4, 5, rate)).toBeGreaterThan(0);
    expect(energy(wav.channels[0], 4, 5, rate)).toBe(0);
  });

  it('downloads mono by default, both participants mixed, as Twilio serves a conference recording without RequestedChannels=2', async () => {
    const { wav } = await record(true, '');
    const rate = wav.sampleRate;
    expect(wav.channels).toHaveLength(1);
    expect(energy(wav.channels[0], 0, 1.5, rate)).toBeGreaterThan(0);
    expect(energy(wav.channels[0], 4, 5, rate)).toBeGreaterThan(0);
  });

  it('announces a conference recording with RecordingChannels=1 and RecordingSource=Conference, as documented', async () => {
    await record(false);
    const completed = h.app.at('/rec').find((r) => r.params.RecordingStatus === 'completed');
    expect(completed?.params).toMatchObject({ RecordingChannels: '1', RecordingSource: 'Conference' });
  });
});
