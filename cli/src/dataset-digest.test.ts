import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './embedded.js';
import { testGenerateOptions } from './testing/generate-options.js';

// What a seed produces is the product: the same seed must write the same calls, transcripts and labels, byte for
// byte, however the run is made faster. This digest was taken from a 50-call run before the throughput work of
// issue 13; a change that alters it on purpose (new dialogue, a label field) says so in its commit and updates it.
const DIGEST_50_CALLS = 'b8e5e0617b7cab725004a3545b5ba06e89d577d9657df1a4f03b4bd22a073e8f';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** SHA-256 over calls.jsonl and every transcript and label file, each with its name, in name order. */
async function datasetDigest(out: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update('calls.jsonl\0').update(await readFile(join(out, 'calls.jsonl')));
  for (const folder of ['transcripts', 'labels']) {
    for (const name of (await readdir(join(out, folder))).sort()) {
      hash.update(`\0${folder}/${name}\0`).update(await readFile(join(out, folder, name)));
    }
  }
  return hash.digest('hex');
}

describe('synthcall generate: what a seed writes', () => {
  it('writes the same 50 calls, transcripts and labels for seed "digest" as before, byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-digest-'));
    dirs.push(out);
    const summary = await generate(
      testGenerateOptions(out, { calls: 50, seed: 'digest', concurrency: 8, timeoutMs: 600_000 }),
    );
    expect(summary.finished).toBe(50);
    expect(await datasetDigest(out)).toBe(DIGEST_50_CALLS);
  }, 900_000);
});
