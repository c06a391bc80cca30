import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { AudioError } from './errors.js';
import {
  type DecodedWav,
  decodeWav,
  encodeWav,
  espeakSynthesizer,
  espeakVoiceFor,
  fixStreamedSizes,
  renderConferenceRecording,
  type Synthesizer,
  silentWav,
} from './wav.js';

/** Reads the canonical 44-byte header directly, independent of the library that wrote it. */
function header(buf: Buffer) {
  return {
    riff: buf.toString('ascii', 0, 4),
    riffSize: buf.readUInt32LE(4),
    wave: buf.toString('ascii', 8, 12),
    audioFormat: buf.readUInt16LE(20),
    channels: buf.readUInt16LE(22),
    sampleRate: buf.readUInt32LE(24),
    byteRate: buf.readUInt32LE(28),
    blockAlign: buf.readUInt16LE(32),
    bitsPerSample: buf.readUInt16LE(34),
    dataId: buf.toString('ascii', 36, 40),
    dataSize: buf.readUInt32LE(40),
  };
}

function nonZero(samples: Int16Array, fromSec: number, toSec: number, rate = 8000): number {
  let count = 0;
  for (let i = Math.round(fromSec * rate); i < Math.min(samples.length, Math.round(toSec * rate)); i += 1) {
    if (samples[i] !== 0) count += 1;
  }
  return count;
}

/** A fake synthesizer: a constant tone of 0.5 s at 16 kHz whose level encodes the channel. */
const toneSynth: Synthesizer = async ({ channel }): Promise<DecodedWav> => ({
  sampleRate: 16000,
  channels: [new Int16Array(8000).fill(channel === 1 ? 1000 : 2000)],
});

describe('silentWav', () => {
  it('writes a PCM header with 16-bit samples at 8 kHz by default', () => {
    const h = header(silentWav(1.5, 2));
    expect(h).toMatchObject({
      riff: 'RIFF',
      wave: 'WAVE',
      audioFormat: 1,
      channels: 2,
      sampleRate: 8000,
      bitsPerSample: 16,
      byteRate: 8000 * 2 * 2,
      blockAlign: 4,
      dataId: 'data',
      dataSize: 1.5 * 8000 * 2 * 2,
    });
  });

  it('has a file size that matches the header', () => {
    const buf = silentWav(0.25, 1);
    expect(buf.length).toBe(44 + 0.25 * 8000 * 2);
    expect(header(buf).riffSize).toBe(buf.length - 8);
  });

  it('contains only zero samples', () => {
    const decoded = decodeWav(silentWav(2, 2, 16000));
    expect(decoded.sampleRate).toBe(16000);
    for (const channel of decoded.channels) expect(channel.every((s) => s === 0)).toBe(true);
  });
});

describe('encodeWav / decodeWav', () => {
  it('round-trips multi-channel samples', () => {
    const channels = [
      new Int16Array([1, -2, 32767]),
      new Int16Array([4, 5, -32768]),
      new Int16Array([7, 8, 9]),
    ];
    const decoded = decodeWav(encodeWav(channels, 8000));
    expect(decoded.channels.map((c) => [...c])).toEqual(channels.map((c) => [...c]));
  });

  it('writes the very bytes wavefile writes for the same samples (1 and 2 channels, 8 and 16 kHz)', () => {
    let x = 12345;
    const noise = (n: number) =>
      Int16Array.from({ length: n }, () => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return (x % 65536) - 32768;
      });
    for (const [count, rate] of [
      [1, 8000],
      [2, 8000],
      [2, 16000],
    ] as const) {
      const channels = Array.from({ length: count }, () => noise(4001));
      const reference = new wavefile.WaveFile();
      reference.fromScratch(count, rate, '16', count === 1 ? (channels[0] as Int16Array) : channels);
      expect(encodeWav(channels, rate).equals(Buffer.from(reference.toBuffer()))).toBe(true);
    }
    const silent = new wavefile.WaveFile();
    silent.fromScratch(2, 8000, '16', [new Int16Array(12000), new Int16Array(12000)]);
    expect(silentWav(1.5, 2).equals(Buffer.from(silent.toBuffer()))).toBe(true);
  });

  it('rejects channels of different lengths with a typed error', () => {
    expect(() => encodeWav([new Int16Array(2), new Int16Array(3)])).toThrow(
      expect.objectContaining({ code: 'SYNTH_WAV_INVALID' }),
    );
  });

  it('rejects bytes that are not a WAV file', () => {
    expect(() => decodeWav(Buffer.from('not audio at all'))).toThrow(AudioError);
  });
});

describe('fixStreamedSizes', () => {
  it('replaces the placeholder sizes a piped espeak-ng writes', () => {
    const streamed = encodeWav([new Int16Array(100)]);
    streamed.writeUInt32LE(0x7fffffff, 4);
    streamed.writeUInt32LE(0x7fffffff, 40);
    const fixed = fixStreamedSizes(streamed);
    expect(header(fixed).riffSize).toBe(fixed.length - 8);
    expect(header(fixed).dataSize).toBe(200);
  });
});

describe('renderConferenceRecording', () => {
  it('is two channels of silence of the requested length when audio is off', async () => {
    const buf = await renderConferenceRecording(
      [{ channel: 1, startSec: 0, text: 'hello', voice: 'Polly.Joanna' }],
      3,
      { audio: false, synthesize: toneSynth },
    );
    const decoded = decodeWav(buf);
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]).toHaveLength(3 * 8000);
    for (const channel of decoded.channels) expect(nonZero(channel, 0, 3)).toBe(0);
  });

  it('places each segment on its channel at its start time, resampled to the recording rate', async () => {
    const buf = await renderConferenceRecording(
      [
        { channel: 1, startSec: 0.5, text: 'customer line', voice: 'Polly.Joanna' },
        { channel: 2, startSec: 2, text: 'agent line', voice: 'Polly.Matthew' },
      ],
      4,
      { audio: true, synthesize: toneSynth },
    );
    const [customer, agent] = decodeWav(buf).channels;
    if (!customer || !agent) throw new Error('expected two channels');
    // The 0.5 s tone recorded at 16 kHz must still last 0.5 s at 8 kHz.
    expect(nonZero(customer, 0, 0.49)).toBe(0);
    expect(nonZero(customer, 0.52, 0.98)).toBeGreaterThan(0.45 * 8000 - 10);
    expect(nonZero(customer, 1.02, 4)).toBe(0);
    expect(nonZero(agent, 0, 1.99)).toBe(0);
    expect(nonZero(agent, 2.02, 2.48)).toBeGreaterThan(0.45 * 8000 - 10);
    expect(nonZero(agent, 2.52, 4)).toBe(0);
    expect(customer[Math.round(0.75 * 8000)]).toBeCloseTo(1000, -1);
    expect(agent[Math.round(2.25 * 8000)]).toBeCloseTo(2000, -1);
  });

  it('cuts speech that runs past the end of the recording', async () => {
    const buf = await renderConferenceRecording(
      [{ channel: 2, startSec: 0.8, text: 'late', voice: 'Polly.Matthew' }],
      1,
      { audio: true, synthesize: toneSynth },
    );
    const decoded = decodeWav(buf);
    expect(decoded.channels[1]).toHaveLength(8000);
    expect(nonZero(decoded.channels[1] ?? new Int16Array(), 0.81, 1)).toBeGreaterThan(0);
  });

  it('renders real speech with espeak-ng on the right channel and offset', async () => {
    const buf = await renderConferenceRecording(
      [
        { channel: 1, startSec: 0.5, text: 'I was charged twice.', voice: 'Polly.Joanna' },
        { channel: 2, startSec: 3, text: 'Let me check that.', voice: 'Polly.Matthew' },
      ],
      5,
      { audio: true },
    );
    const { sampleRate, channels } = decodeWav(buf);
    const [customer, agent] = channels;
    if (!customer || !agent) throw new Error('expected two channels');
    expect(sampleRate).toBe(8000);
    expect(customer).toHaveLength(5 * 8000);
    expect(nonZero(customer, 0, 0.5)).toBe(0);
    expect(nonZero(customer, 0.5, 2.5)).toBeGreaterThan(2000);
    expect(nonZero(agent, 0, 3)).toBe(0);
    expect(nonZero(agent, 3, 5)).toBeGreaterThan(2000);
  });

  it('fails with a typed error naming the install command when espeak-ng is missing', async () => {
    const render = renderConferenceRecording(
      [{ channel: 1, startSec: 0, text: 'hi', voice: 'Polly.Joanna' }],
      1,
      {
        audio: true,
        synthesize: espeakSynthesizer({ binary: '/nonexistent/espeak-ng' }),
      },
    );
    await expect(render).rejects.toMatchObject({
      code: 'SYNTH_ESPEAK_MISSING',
      message: expect.stringContaining('apt-get install espeak-ng'),
    });
  });
});

describe('espeakVoiceFor', () => {
  it('gives the two usual Polly voices different espeak voices', () => {
    expect(espeakVoiceFor('Polly.Joanna-Neural', 1)).not.toBe(espeakVoiceFor('Polly.Matthew-Neural', 2));
  });

  it('tells unknown voices apart by channel', () => {
    expect(espeakVoiceFor('Azure.en-US-Unknown', 1)).not.toBe(espeakVoiceFor('Azure.en-US-Unknown', 2));
  });

  it('gives every customer voice of the persona pools a different espeak voice from every agent voice', () => {
    // The pools of @synthcall/personas (CUSTOMER_VOICES, AGENT_VOICES) at the time of writing.
    const customers = ['Joanna', 'Kimberly', 'Salli', 'Kendra', 'Matthew', 'Joey'].map(
      (n) => `Polly.${n}-Neural`,
    );
    const agents = [
      ...['Danielle', 'Stephen', 'Ruth', 'Gregory'].map((n) => `Polly.${n}-Neural`),
      ...['C', 'D', 'F', 'J'].map((l) => `Google.en-US-Neural2-${l}`),
    ];
    const agentVoices = new Set(agents.map((v) => espeakVoiceFor(v, 2)));
    for (const customer of customers) expect(agentVoices).not.toContain(espeakVoiceFor(customer, 1));
    expect(agentVoices.size).toBe(agents.length);
  });

  it('renders every mapped voice with the installed espeak-ng', async () => {
    const synthesize = espeakSynthesizer();
    for (const voice of ['Polly.Ruth-Neural', 'Polly.Danielle-Neural', 'Google.en-US-Neural2-J', 'alice']) {
      const speech = await synthesize({ text: 'ok', voice, channel: 2 });
      expect(speech.channels[0]?.some((s) => s !== 0)).toBe(true);
    }
  });
});
