import { Worker } from 'node:worker_threads';
import type { Transcriber, TranscriptionJob, TranscriptionResult } from '../engine/transcription.js';

interface Pending {
  resolve: (result: TranscriptionResult) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * The worker thread's module: compiled JavaScript beside this file in a build; in a source checkout (tsx, vitest)
 * the TypeScript, started through bin/ts-worker.mjs, which registers tsx in the new thread first.
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./transcription-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { resourceLimits: THREAD_LIMITS });
  return new Worker(new URL('../../bin/ts-worker.mjs', import.meta.url), {
    workerData: { entry: entry.href },
    resourceLimits: THREAD_LIMITS,
  });
}

/**
 * A thread's young generation: V8 grows it to 128 MB by default (two 64 MB semi-spaces) under the stream of
 * short-lived objects an analysis makes, all of it resident. 24 MB took ~90 MB off the peak RSS of a 400-call
 * generate (606 → 517 MB); its CPU cost was within the noise of the loaded machine it was measured on
 * (docs/benchmarks.md).
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 24 };

/**
 * Voice Intelligence on `threads` worker threads with the sim's default ports, so the analysis of one call's
 * recording does not hold up the calls still in progress on the main thread. Threads start on the first job; jobs go
 * to the thread with the fewest waiting. Each result is the one the calling thread would compute (`transcribe` is
 * deterministic). Closing stops the threads; jobs still waiting fail.
 */
export function workerTranscriber(threads: number): Transcriber {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error('workerTranscriber needs a positive whole number of threads');
  const pool: Thread[] = [];
  let nextId = 0;
  let closed = false;
  const fail = (thread: Thread, error: Error) => {
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
    const at = pool.indexOf(thread);
    if (at >= 0) pool.splice(at, 1);
  };
  const thread = (): Thread => {
    const idle = pool.find((t) => t.pending.size === 0);
    if (idle) return idle;
    if (pool.length < threads) {
      const started: Thread = { worker: startWorker(), pending: new Map() };
      started.worker.on(
        'message',
        (message: { id: number; result?: TranscriptionResult; error?: string }) => {
          const waiting = started.pending.get(message.id);
          if (!waiting) return;
          started.pending.delete(message.id);
          // An idle thread does not keep the process alive; one with work does.
          if (started.pending.size === 0) started.worker.unref();
          if (message.result) waiting.resolve(message.result);
          else waiting.reject(new Error(message.error ?? 'transcription failed'));
        },
      );
      started.worker.on('error', (error) => fail(started, error));
      started.worker.on('exit', (code) => {
        if (pool.includes(started)) fail(started, new Error(`transcription thread exited (${code})`));
      });
      pool.push(started);
      return started;
    }
    return pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  };
  return {
    transcribe(job: TranscriptionJob): Promise<TranscriptionResult> {
      if (closed) return Promise.reject(new Error('the transcription threads are closed'));
      const target = thread();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        target.worker.ref();
        target.worker.postMessage({ id, job });
      });
    },
    async close() {
      closed = true;
      const stopping = pool.splice(0);
      for (const t of stopping) {
        for (const p of t.pending.values()) p.reject(new Error('the transcription threads are closed'));
        t.pending.clear();
      }
      await Promise.all(stopping.map((t) => t.worker.terminate()));
    },
  };
}
