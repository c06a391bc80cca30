import { execFile } from 'node:child_process';
import { wordsPerMinute } from '@synthcall/speech-timing';
import wavefile from 'wavefile';
import { AudioError } from './errors.js';

const { WaveFile } = wavefile;

/** Twilio recordings are narrowband telephone audio. */
export const DEFAULT_SAMPLE_RATE = 8000;

/** Samples of one channel, 16-bit signed PCM. */
export type Pcm16 = Int16Array;

export interface DecodedWav {
  sampleRate: number;
  /** One array per channel (de-interleaved). */
  channels: Pcm16[];
}

/** Bytes of the canonical RIFF/WAVE header of 16-bit PCM: RIFF, fmt (16 bytes) and data chunk headers. */
const WAV_HEADER_BYTES = 44;

/** The 44-byte header of a 16-bit PCM WAV file holding `frames` samples per channel. */
function wavHeader(channels: number, frames: number, sampleRate: number): Buffer {
  const blockAlign = channels * 2;
  const dataBytes = frames * blockAlign;
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28); // byte rate
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * Encodes 16-bit PCM channels (same length each) as a RIFF/WAVE file: the canonical 44-byte header and the samples
 * interleaved little-endian, written straight into one buffer (the same bytes wavefile's `fromScratch` gives, without
 * its per-sample conversion, which cost most of a simulated call's CPU).
 */
export function encodeWav(channels: readonly Pcm16[], sampleRate = DEFAULT_SAMPLE_RATE): Buffer {
  const first = channels[0];
  if (first === undefined) throw new AudioError('SYNTH_WAV_INVALID', 'A WAV file needs at least one channel');
  if (channels.some((c) => c.length !== first.length)) {
    throw new AudioError('SYNTH_WAV_INVALID', 'All WAV channels must have the same number of samples');
  }
  const frames = first.length;
  const out = Buffer.allocUnsafe(WAV_HEADER_BYTES + frames * channels.length * 2);
  wavHeader(channels.length, frames, sampleRate).copy(out, 0);
  const stride = channels.length * 2;
  channels.forEach((channel, c) => {
    let at = WAV_HEADER_BYTES + c * 2;
    for (let i = 0; i < frames; i += 1, at += stride) out.writeInt16LE(channel[i] as number, at);
  });
  return out;
}

/** Decodes a 16-bit PCM WAV file into de-interleaved channels. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (cause) {
    throw new AudioError('SYNTH_WAV_INVALID', 'Not a readable WAV file', { cause });
  }
  return toDecoded(wav);
}

function toDecoded(wav: InstanceType<typeof WaveFile>): DecodedWav {
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  if (fmt.bitsPerSample !== 16) {
    throw new AudioError('SYNTH_WAV_INVALID', `Expected 16-bit PCM, got ${fmt.bitsPerSample}-bit`);
  }
  const samples = wav.getSamples(false, Int16Array) as unknown as Pcm16 | Pcm16[];
  const channels = fmt.numChannels === 1 ? [samples as Pcm16] : [...(samples as Pcm16[])];
  return { sampleRate: fmt.sampleRate, channels };
}

/** The same audio with every channel mixed into one (Twilio's default download of a dual-channel conference recording). */
export function downmixWav(bytes: Uint8Array): Buffer {
  const decoded = decodeWav(bytes);
  return encodeWav([mixDown(decoded)], decoded.sampleRate);
}

/** A silent 16-bit WAV of `seconds` (rounded to whole samples) with `channels` channels: a header and zeroes. */
export function silentWav(seconds: number, channels = 1, sampleRate = DEFAULT_SAMPLE_RATE): Buffer {
  if (channels < 1) throw new AudioError('SYNTH_WAV_INVALID', 'A WAV file needs at least one channel');
  const frames = sampleCount(seconds, sampleRate);
  const out = Buffer.alloc(WAV_HEADER_BYTES + frames * channels * 2);
  wavHeader(channels, frames, sampleRate).copy(out, 0);
  return out;
}

function sampleCount(seconds: number, sampleRate: number): number {
  return Math.max(0, Math.round(seconds * sampleRate));
}

/** Turns text into mono speech. The default runs espeak-ng; tests and other engines can pass their own. */
export type Synthesizer = (request: { text: string; voice: string; channel: 1 | 2 }) => Promise<DecodedWav>;

export interface RecordingSegment {
  /** 1 = the first participant (the customer in our recordings), 2 = the second. */
  channel: 1 | 2;
  /** Seconds from the start of the recording. */
  startSec: number;
  text: string;
  /** The `<Say voice>` that spoke it, e.g. `Polly.Joanna-Neural`. */
  voice: string;
}

export interface RenderOptions {
  /** When false, the recording is silence of the right length and shape; espeak-ng is not needed. */
  audio: boolean;
  sampleRate?: number;
  synthesize?: Synthesizer;
}

/**
 * A dual-channel conference recording: each segment is synthesised, resampled to the recording rate and mixed
 * into its channel at its start time. Speech running past `durationSec` is cut, as a recording that stopped would.
 */
export async function renderConferenceRecording(
  segments: readonly RecordingSegment[],
  durationSec: number,
  options: RenderOptions,
): Promise<Buffer> {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const length = sampleCount(durationSec, sampleRate);
  const channels: [Int16Array, Int16Array] = [new Int16Array(length), new Int16Array(length)];
  if (options.audio) {
    const synthesize = options.synthesize ?? espeakSynthesizer();
    // One at a time: espeak-ng is CPU-bound and the machine is shared.
    for (const segment of segments) {
      const speech = await synthesize({ text: segment.text, voice: segment.voice, channel: segment.channel });
      const mono = resample(mixDown(speech), speech.sampleRate, sampleRate);
      mixInto(
        segment.channel === 1 ? channels[0] : channels[1],
        mono,
        sampleCount(segment.startSec, sampleRate),
      );
    }
  }
  return encodeWav(channels, sampleRate);
}

function mixDown(decoded: DecodedWav): Pcm16 {
  const [first, ...rest] = decoded.channels;
  if (first === undefined) return new Int16Array(0);
  if (rest.length === 0) return first;
  const out = new Int16Array(first.length);
  for (let i = 0; i < first.length; i += 1) {
    let sum = first[i] ?? 0;
    for (const channel of rest) sum += channel[i] ?? 0;
    out[i] = Math.round(sum / decoded.channels.length);
  }
  return out;
}

function resample(samples: Pcm16, from: number, to: number): Pcm16 {
  if (from === to || samples.length === 0) return samples;
  const wav = new WaveFile();
  wav.fromScratch(1, from, '16', samples);
  // wavefile low-pass filters before decimating, so 22.05 kHz speech does not alias into the 8 kHz band.
  wav.toSampleRate(to, { method: 'cubic', LPF: true });
  return wav.getSamples(false, Int16Array) as unknown as Pcm16;
}

function mixInto(target: Int16Array, source: Pcm16, offset: number): void {
  const end = Math.min(target.length, offset + source.length);
  for (let i = Math.max(0, offset); i < end; i += 1) {
    const sum = (target[i] ?? 0) + (source[i - offset] ?? 0);
    target[i] = Math.max(-32768, Math.min(32767, sum));
  }
}

/**
 * espeak-ng voices standing in for Polly voices: female Polly names get female variants, British names the en-gb
 * voice, and every name its own variant, so that any customer voice and any agent voice of the persona pools sound
 * different.
 */
const ESPEAK_VOICES: Readonly<Record<string, string>> = {
  joanna: 'en-us+f3',
  salli: 'en-us+f2',
  kimberly: 'en-us+f4',
  kendra: 'en-us+f1',
  ivy: 'en-us+f5',
  ruth: 'en-us+Linda',
  danielle: 'en-us+Annie',
  matthew: 'en-us+m3',
  joey: 'en-us+m2',
  justin: 'en-us+m5',
  kevin: 'en-us+m6',
  stephen: 'en-us+m4',
  gregory: 'en-us+m1',
  amy: 'en-gb+f3',
  emma: 'en-gb+f2',
  olivia: 'en-gb+f4',
  brian: 'en-gb+m3',
  arthur: 'en-gb+m2',
  woman: 'en-us+Belinda',
  alice: 'en-us+Andrea',
  man: 'en-us+m7',
};

/** Google voices end in a letter (`Google.en-US-Neural2-C`); Google's A, D, I, J are male, the others female. */
const GOOGLE_VOICES: Readonly<Record<string, string>> = {
  A: 'en-us+Michael',
  B: 'en-us+Paul',
  C: 'en-us+Alicia',
  D: 'en-us+Robert',
  E: 'en-us+Belinda',
  F: 'en-us+Andrea',
  G: 'en-us+f2',
  H: 'en-us+f5',
  I: 'en-us+Andy',
  J: 'en-us+Mike',
};

/** Unknown voices still differ by channel, so the two sides of a call are told apart by ear. */
const CHANNEL_DEFAULTS: Readonly<Record<1 | 2, string>> = { 1: 'en-us+f2', 2: 'en-gb+m3' };

/** The espeak-ng `-v` value for a Twilio `<Say voice>`. */
export function espeakVoiceFor(voice: string, channel: 1 | 2): string {
  const google = /^google\.[a-z]{2}-[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*-([a-z])$/i
    .exec(voice)?.[1]
    ?.toUpperCase();
  if (google !== undefined) return GOOGLE_VOICES[google] ?? CHANNEL_DEFAULTS[channel];
  const name = /^(?:polly\.)?([a-z]+)/i.exec(voice)?.[1]?.toLowerCase();
  return (name === undefined ? undefined : ESPEAK_VOICES[name]) ?? CHANNEL_DEFAULTS[channel];
}

export interface EspeakOptions {
  /** The executable; tests point it at a missing file to check the error. */
  binary?: string;
  timeoutMs?: number;
}

/** A Synthesizer that runs `espeak-ng --stdout -v <voice> -s <wpm> <text>`. */
export function espeakSynthesizer(options: EspeakOptions = {}): Synthesizer {
  const binary = options.binary ?? 'espeak-ng';
  const timeout = options.timeoutMs ?? 30_000;
  return ({ text, voice, channel }) =>
    new Promise<DecodedWav>((resolve, reject) => {
      const args = [
        '--stdout',
        '-v',
        espeakVoiceFor(voice, channel),
        '-s',
        String(wordsPerMinute(voice)),
        '--',
        text,
      ];
      execFile(
        binary,
        args,
        { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout },
        (error, stdout, stderr) => {
          if (error !== null) {
            const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
            reject(
              missing
                ? new AudioError(
                    'SYNTH_ESPEAK_MISSING',
                    `Audio rendering needs espeak-ng, which was not found as "${binary}": apt-get install espeak-ng (or turn recording audio off)`,
                    { cause: error },
                  )
                : new AudioError(
                    'SYNTH_ESPEAK_FAILED',
                    `espeak-ng failed: ${stderr.toString('utf8').trim() || error.message}`,
                    { cause: error },
                  ),
            );
            return;
          }
          try {
            resolve(decodeWav(fixStreamedSizes(stdout)));
          } catch (cause) {
            reject(new AudioError('SYNTH_ESPEAK_FAILED', 'espeak-ng wrote an unreadable WAV', { cause }));
          }
        },
      );
    });
}

/**
 * espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes are 0x7fffffff placeholders; WAV
 * readers then look past the end. Rewrites both sizes from the actual byte count.
 */
export function fixStreamedSizes(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  if (out.length < 12 || out.toString('ascii', 0, 4) !== 'RIFF') return out;
  out.writeUInt32LE(out.length - 8, 4);
  let offset = 12;
  while (offset + 8 <= out.length) {
    const id = out.toString('ascii', offset, offset + 4);
    if (id === 'data') {
      out.writeUInt32LE(out.length - offset - 8, offset + 4);
      break;
    }
    offset += 8 + out.readUInt32LE(offset + 4);
  }
  return out;
}
