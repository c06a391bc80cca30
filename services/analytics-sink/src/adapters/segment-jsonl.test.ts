import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SegmentMessage } from '../domain/segment-events.js';
import { JsonlSegmentFile } from './segment-jsonl.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempFile() {
  const dir = await mkdtemp(join(tmpdir(), 'segment-jsonl-'));
  dirs.push(dir);
  return join(dir, 'segment.jsonl');
}

const context = { traits: { synthetic: true as const }, app: { name: 'synthcall' as const } };
const identify: SegmentMessage = {
  type: 'identify',
  messageId: 'call-1:identify',
  timestamp: '2026-01-15T10:00:00.000Z',
  userId: 'dana-whitfield',
  traits: { name: 'Dana Whitfield', synthetic: true },
  context,
};
const started: SegmentMessage = {
  type: 'track',
  messageId: 'call-1:call-started',
  timestamp: '2026-01-15T10:00:01.000Z',
  userId: 'dana-whitfield',
  event: 'Call Started',
  properties: { callId: 'call-1', synthetic: true },
  context,
};

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);

describe('JsonlSegmentFile', () => {
  it('writes each call as one JSON line, in the order made', async () => {
    const file = await tempFile();
    const out = new JsonlSegmentFile(file);
    await out.send(identify);
    await out.send(started);
    await out.close();
    expect(await lines(file)).toEqual([identify, started]);
  });

  it('does not write a messageId twice, also across a restart on the same file', async () => {
    const file = await tempFile();
    const first = new JsonlSegmentFile(file);
    await first.send(identify);
    await first.send(identify);
    await first.close();
    const second = new JsonlSegmentFile(file);
    await second.send(identify);
    await second.send(started);
    await second.close();
    expect(await lines(file)).toEqual([identify, started]);
  });

  it('cuts a torn last line left by a crash, so the next line is valid JSON', async () => {
    const file = await tempFile();
    await writeFile(file, `${JSON.stringify(identify)}\n{"type":"track","messageId":"call-1:call-st`);
    const out = new JsonlSegmentFile(file);
    await out.send(started);
    await out.close();
    expect(await lines(file)).toEqual([identify, started]);
  });

  it('fails with SYNTH_DATASET_WRITE_FAILED naming the file when it cannot be written', async () => {
    const file = await tempFile();
    // A folder where the file should be: fails for root too, unlike file modes.
    await mkdir(file);
    const out = new JsonlSegmentFile(file);
    await expect(out.send(identify)).rejects.toMatchObject({
      code: 'SYNTH_DATASET_WRITE_FAILED',
      message: expect.stringContaining(file),
    });
  });
});
