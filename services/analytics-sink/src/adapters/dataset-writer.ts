import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CallRecord, DatasetBuilder, Labels } from '../domain/dataset.js';
import { callFilePath } from './dataset-paths.js';

export interface RunManifest {
  runId: string;
  seed: string;
  /** The run's configuration, without secrets. */
  config: Record<string, unknown>;
  versions: Record<string, string>;
  personas: { customers: string[]; agents: string[] };
  counts: Record<string, number | Record<string, number>>;
  startedAt: string;
  finishedAt: string;
}

export class DatasetWriteError extends Error {
  override readonly name = 'DatasetWriteError';
  readonly code = 'SYNTH_DATASET_WRITE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The dataset's JSON files: two-space indented, newline-terminated. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * One call's transcript, labels and (once Voice Intelligence ran) intelligence files. The callId comes from a topic:
 * a DatasetPathError (SYNTH_DATASET_PATH_INVALID) refuses one that is no valid id, before any file is written.
 */
export async function writeCallFiles(out: string, dataset: DatasetBuilder, callId: string): Promise<Labels> {
  const transcriptFile = callFilePath(out, 'transcripts', callId, 'json');
  const labelsFile = callFilePath(out, 'labels', callId, 'json');
  const labels = dataset.labels(callId);
  await writeFile(transcriptFile, json(dataset.transcript(callId)));
  await writeFile(labelsFile, json(labels));
  await writeIntelligenceFile(out, dataset, callId);
  // What was written, so a caller need not build the labels (and the transcript under them) again.
  return labels;
}

/** intelligence/<callId>.json, when the call's Voice Intelligence results are there. */
export async function writeIntelligenceFile(
  out: string,
  dataset: DatasetBuilder,
  callId: string,
): Promise<void> {
  const file = callFilePath(out, 'intelligence', callId, 'json');
  const intelligence = dataset.intelligence(callId);
  if (intelligence) await writeFile(file, json(intelligence));
}

/** Checks up front that the dataset folder can be created and written, so a long run does not fail at the end. */
/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns for a path under /proc (it retries the parent
 * forever), so `--out /proc/nope` hung with no output; a plain mkdir fails at once with the system's reason.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    await makeDirs(dirname(dir));
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

export async function ensureWritable(dir: string): Promise<string> {
  const out = resolve(dir);
  try {
    await makeDirs(out);
    await mkdir(join(out, 'transcripts'), { recursive: true });
    await mkdir(join(out, 'labels'), { recursive: true });
    await mkdir(join(out, 'intelligence'), { recursive: true });
    // A name of its own: replicas sharing the folder check it at the same time (one removed the other's file).
    const check = join(out, `.write-check-${process.pid}-${randomUUID().slice(0, 8)}`);
    await writeFile(check, '');
    await rm(check);
  } catch (cause) {
    throw new DatasetWriteError(
      `cannot write the dataset to ${out}: ${(cause as Error).message}. Choose another --out folder or fix its permissions.`,
      { cause },
    );
  }
  return out;
}

/**
 * Writes the dataset layout of ARCHITECTURE.md: manifest.json, calls.jsonl, transcripts/<callId>.json,
 * labels/<callId>.json and, when Voice Intelligence ran, intelligence/<callId>.json. Every file says synthetic: true. Calls are written in callId order, so the same seed gives
 * byte-identical files (the manifest's run times aside).
 */
export async function writeDataset(
  dir: string,
  dataset: DatasetBuilder,
  manifest: RunManifest,
  /** Calls whose files were written before (`writeCallFiles`) and that the dataset no longer holds: their lines. */
  earlier: ReadonlyMap<string, CallRecord> = new Map(),
): Promise<void> {
  const out = await ensureWritable(dir);
  try {
    const ids = dataset.callIds();
    const records = new Map(earlier);
    for (const id of ids) records.set(id, dataset.record(id));
    await writeFile(
      join(out, 'calls.jsonl'),
      [...records.keys()]
        .sort()
        .map((id) => `${JSON.stringify(records.get(id))}\n`)
        .join(''),
    );
    for (const id of ids) await writeCallFiles(out, dataset, id);
    await writeFile(join(out, 'manifest.json'), json({ ...manifest, synthetic: true }));
  } catch (cause) {
    throw new DatasetWriteError(`writing the dataset to ${out} failed: ${(cause as Error).message}`, {
      cause,
    });
  }
}
