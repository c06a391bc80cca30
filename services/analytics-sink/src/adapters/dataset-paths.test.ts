import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetBuilder } from '../domain/dataset.js';
import { callFilePath, DatasetPathError, insideDataset } from './dataset-paths.js';
import { writeCallFiles } from './dataset-writer.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const root = '/data/synthcall-dataset';

describe('dataset paths', () => {
  it('resolves a call file inside its folder', () => {
    expect(callFilePath(root, 'transcripts', 'req-1-0000', 'json')).toBe(
      '/data/synthcall-dataset/transcripts/req-1-0000.json',
    );
    expect(insideDataset(root, 'calls.jsonl')).toBe('/data/synthcall-dataset/calls.jsonl');
  });

  it.each([
    ['a parent step', ['..', 'x.json']],
    ['a parent step inside a name', ['transcripts', '../../x.json']],
    ['the folder itself', ['.']],
    ['a sibling folder sharing the prefix', ['../synthcall-dataset-evil/x.json']],
    ['an absolute path', ['/etc/passwd']],
    ['an absolute path after a folder', ['labels', '/etc/cron.d/x']],
    ['a NUL byte', ['transcripts', 'x\u0000.json']],
  ])('refuses %s', (_, segments) => {
    expect(() => insideDataset(root, ...segments)).toThrow(DatasetPathError);
  });

  it.each([
    '../x',
    '../../etc/x',
    '/etc/passwd',
    '..',
    '.',
    '',
    'x/../../y',
    'x\u0000y',
    '\uff0e\uff0e\uff0fx', // fullwidth "../x": harmless on Linux, refused anyway by the grammar
    'a\u2215b', // division slash, looks like "/"
    'caf\u00e9',
    'has space',
    'x'.repeat(129),
  ])('refuses the call id %j with SYNTH_DATASET_PATH_INVALID', (callId) => {
    expect(() => callFilePath(root, 'transcripts', callId, 'json')).toThrow(
      expect.objectContaining({ code: 'SYNTH_DATASET_PATH_INVALID' }),
    );
  });

  it('writes no file for a call id that climbs out of the dataset folder', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'sink-paths-'));
    dirs.push(parent);
    const out = join(parent, 'dataset');
    for (const folder of ['transcripts', 'labels', 'intelligence']) {
      await mkdir(join(out, folder), { recursive: true });
    }
    const dataset = {
      transcript: () => ({ turns: [] }),
      labels: () => ({ synthetic: true }),
      intelligence: () => ({ sentences: [] }),
    } as unknown as DatasetBuilder;
    await expect(writeCallFiles(out, dataset, '../../escaped')).rejects.toThrow(DatasetPathError);
    await expect(writeCallFiles(out, dataset, '../escaped')).rejects.toThrow(DatasetPathError);
    expect(await readdir(parent)).toEqual(['dataset']);
    expect((await readdir(out)).sort()).toEqual(['intelligence', 'labels', 'transcripts']);
  });
});
