// A worker thread of `workerTranscriber`: transcribes and analyses jobs with the sim's default ports (the audio
// module's recogniser, the intelligence module's analysis), one at a time, in the order they come.
import { parentPort } from 'node:worker_threads';
import { type TranscriptionJob, transcribe } from '../engine/transcription.js';
import { audioRecognizer } from './audio-module.js';
import { moduleTranscriptAnalyzer } from './intelligence-module.js';

const port = parentPort;
if (!port) throw new Error('transcription-worker runs as a worker thread of workerTranscriber');
port.on('message', ({ id, job }: { id: number; job: TranscriptionJob }) => {
  try {
    const result = transcribe(job, { recognizer: audioRecognizer, analyzer: moduleTranscriptAnalyzer });
    port.postMessage({ id, result });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
