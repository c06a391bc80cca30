import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleEvents } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from '../domain/dataset.js';
import { DatasetWriteError, ensureWritable, writeDataset } from './dataset-writer.js';

const manifest = {
  runId: 'run-1',
  seed: 's',
  config: { calls: 1 },
  versions: { synthcall: '0.1.0' },
  personas: { customers: ['dana-whitfield'], agents: ['marcus-lee'] },
  counts: { calls: 1 },
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
};

describe('writeDataset', () => {
  it('writes the manifest, calls.jsonl, a transcript and labels per call, all marked synthetic', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dataset-'));
    const d = new DatasetBuilder();
    d.onPlanned(exampleEvents('call-1').CallPlanned);
    d.onPlanned(exampleEvents('call-2').CallPlanned);
    await writeDataset(out, d, manifest);
    expect((await readdir(out)).sort()).toEqual([
      'calls.jsonl',
      'intelligence',
      'labels',
      'manifest.json',
      'transcripts',
    ]);
    const lines = (await readFile(join(out, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.callId)).toEqual(['call-1', 'call-2']);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      synthetic: true,
      runId: 'run-1',
    });
    expect(JSON.parse(await readFile(join(out, 'labels', 'call-2.json'), 'utf8'))).toMatchObject({
      synthetic: true,
    });
    expect(JSON.parse(await readFile(join(out, 'transcripts', 'call-1.json'), 'utf8'))).toEqual({
      callId: 'call-1',
      synthetic: true,
      turns: [],
    });
  });

  it('fails with SYNTH_DATASET_WRITE_FAILED naming the folder when it cannot be created', async () => {
    // A folder below a regular file cannot exist, for root too (directory permissions would not stop root).
    const parent = await mkdtemp(join(tmpdir(), 'dataset-bad-'));
    const file = join(parent, 'a-file');
    await writeFile(file, 'not a folder');
    const target = join(file, 'out');
    const err = await writeDataset(target, new DatasetBuilder(), manifest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetWriteError);
    expect((err as DatasetWriteError).code).toBe('SYNTH_DATASET_WRITE_FAILED');
    expect((err as DatasetWriteError).message).toContain(target);
  });
});

describe('ensureWritable', () => {
  it('checks a folder other replicas check at the same moment, and leaves no check file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'writer-shared-'));
    await Promise.all(Array.from({ length: 16 }, () => ensureWritable(dir)));
    expect((await readdir(dir)).filter((name) => name.startsWith('.write-check'))).toEqual([]);
  });

  it('creates missing parents and fails at once, with the reason, where a folder cannot exist (/proc)', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'synthcall-writable-'));
    expect(await ensureWritable(join(parent, 'a', 'b'))).toBe(join(parent, 'a', 'b'));
    expect(await readdir(join(parent, 'a', 'b'))).toEqual(['intelligence', 'labels', 'transcripts']);
    // Node's recursive mkdir never returns for a path under /proc: this call hung before.
    const err = await ensureWritable('/proc/synthcall-nope/out').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetWriteError);
    expect((err as DatasetWriteError).message).toContain("mkdir '/proc/synthcall-nope'");
  }, 10_000);
});
