import { afterEach, describe, expect, it } from 'vitest';
import { type Transcriber, type TranscriptionJob, transcribe } from '../engine/transcription.js';
import { OPERATORS } from '../intelligence/index.js';
import { audioRecognizer } from './audio-module.js';
import { moduleTranscriptAnalyzer } from './intelligence-module.js';
import { workerTranscriber } from './transcription-workers.js';

const job = (transcriptSid: string): TranscriptionJob => ({
  transcriptSid,
  seed: 'workers',
  asrWer: 0.2,
  segments: [
    {
      channel: 1,
      startSec: 0.5,
      voice: 'en-us',
      text: 'Thank you for calling, this is Dana. How can I help?',
    },
    {
      channel: 2,
      startSec: 4.1,
      voice: 'en-gb',
      text: 'Hi, my card ending 4421 was charged twice and I am really unhappy about it.',
    },
    {
      channel: 1,
      startSec: 9.8,
      voice: 'en-us',
      text: 'I am sorry about that. Can I have your date of birth?',
    },
  ],
  participants: [
    { channel: 1, role: 'Agent' },
    { channel: 2, role: 'Customer' },
  ],
  operators: Object.values(OPERATORS).map((o) => ({
    sid: o.sid,
    name: o.name,
    operatorType: o.operatorType,
  })),
  baseUrl: 'http://127.0.0.1:1',
});

let transcriber: Transcriber | undefined;
afterEach(async () => {
  await transcriber?.close();
  transcriber = undefined;
});

describe('Voice Intelligence on worker threads', () => {
  it('gives each transcript the sentences and operator results the main thread computes', async () => {
    transcriber = workerTranscriber(2);
    const jobs = ['GT1', 'GT2', 'GT3'].map(job);
    const onThreads = await Promise.all(jobs.map((j) => transcriber?.transcribe(j)));
    const here = jobs.map((j) =>
      transcribe(j, { recognizer: audioRecognizer, analyzer: moduleTranscriptAnalyzer }),
    );
    expect(onThreads).toEqual(here);
    expect(here[0]?.sentences.length).toBeGreaterThan(0);
    expect(here[0]?.operatorResults).toHaveLength(4);
  }, 60_000);

  it('fails the jobs still waiting when closed, and refuses new ones', async () => {
    transcriber = workerTranscriber(1);
    const waiting = transcriber.transcribe(job('GT4'));
    const failed = expect(waiting).rejects.toThrow('closed');
    await transcriber.close();
    await failed;
    await expect(transcriber.transcribe(job('GT5'))).rejects.toThrow('closed');
  }, 60_000);
});
