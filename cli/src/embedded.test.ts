import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type GenerateOptions, generate } from './embedded.js';
import { testGenerateOptions } from './testing/generate-options.js';

const base = async (overrides: Partial<GenerateOptions> = {}): Promise<GenerateOptions> =>
  testGenerateOptions(await mkdtemp(join(tmpdir(), 'synthcall-gen-')), overrides);

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { 'calls.jsonl': await readFile(join(dir, 'calls.jsonl'), 'utf8') };
  for (const sub of ['transcripts', 'labels']) {
    for (const f of (await readdir(join(dir, sub))).sort())
      out[`${sub}/${f}`] = await readFile(join(dir, sub, f), 'utf8');
  }
  return out;
}

describe('synthcall generate (embedded, offline)', () => {
  it('writes each complete call during the run and holds only the calls not complete yet', async () => {
    const o = await base({ calls: 20, concurrency: 2, seed: 'release' });
    let held = -1;
    const summary = await generate({
      ...o,
      beforeStop: async ({ dataset }) => {
        held = dataset.size;
      },
    });
    expect(summary).toMatchObject({ requested: 20, finished: 20, timedOut: false });
    // Every call but the last few was written and dropped as soon as its Voice Intelligence results came.
    expect(held).toBeGreaterThanOrEqual(0);
    expect(held).toBeLessThanOrEqual(10);
    const lines = (await readFile(join(o.out, 'calls.jsonl'), 'utf8')).trim().split('\n');
    const calls = lines.map((l) => JSON.parse(l) as { callId: string; turnCount: number });
    expect(calls.map((c) => c.callId)).toEqual([...calls.map((c) => c.callId)].sort());
    expect(new Set(calls.map((c) => c.callId)).size).toBe(20);
    expect(summary.turns).toBe(calls.reduce((n, c) => n + c.turnCount, 0));
    for (const folder of ['transcripts', 'labels', 'intelligence'])
      expect((await readdir(join(o.out, folder))).sort(), folder).toEqual(
        calls.map((c) => `${c.callId}.json`),
      );
  }, 120_000);

  it('runs every call to an explicit end and writes a dataset whose turns alternate, agent first', async () => {
    const o = await base();
    const summary = await generate(o);
    expect(summary).toMatchObject({ requested: 6, finished: 6, timedOut: false });
    const calls = (await readFile(join(o.out, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      expect(call.endReason, call.callId).toMatch(
        /^(resolved|escalated|customer_abandoned|max_turns|loop_detected)$/,
      );
      expect(call.endedBy).toMatch(/^(agent|customer)$/);
      expect(call.turnCount).toBeGreaterThanOrEqual(6);
      expect(call.synthetic).toBe(true);
      const t = JSON.parse(await readFile(join(o.out, 'transcripts', `${call.callId}.json`), 'utf8'));
      t.turns.forEach((turn: { turn: number; role: string; said: string }, i: number) => {
        expect(turn.turn).toBe(i);
        expect(turn.role).toBe(i % 2 === 0 ? 'agent' : 'customer');
        expect(turn.said.trim().length).toBeGreaterThan(0);
      });
      // Every line but the farewell was heard by the other leg.
      expect(
        t.turns.slice(0, -1).every((turn: { heard: string | null }) => typeof turn.heard === 'string'),
      ).toBe(true);
      // Voice Intelligence transcribed the dual-channel recording: sentences on both channels, mapped to roles.
      const vi = JSON.parse(await readFile(join(o.out, 'intelligence', `${call.callId}.json`), 'utf8'));
      expect(vi.channelRoles).toEqual([
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ]);
      expect(
        new Set(vi.sentences.map((x: { channel: number; role: string }) => `${x.channel}:${x.role}`)),
      ).toEqual(new Set(['1:customer', '2:agent']));
      expect(vi.operatorResults.map((r: { name: string }) => r.name).sort()).toEqual([
        'Call Reason',
        'PII Extraction',
        'Sentiment Analysis',
        'Summarization',
      ]);
      const labels = JSON.parse(await readFile(join(o.out, 'labels', `${call.callId}.json`), 'utf8'));
      expect(labels).toMatchObject({ synthetic: true, source: 'provider', endReason: call.endReason });
      // Every PII label points at the words the transcript records as spoken.
      for (const p of labels.spokenPii as Array<{
        value: string;
        turn: number;
        start: number;
        end: number;
      }>) {
        const said = t.turns.find((turn: { turn: number }) => turn.turn === p.turn)?.said ?? '';
        expect(said.slice(p.start, p.end), `${call.callId} turn ${p.turn}`).toBe(p.value);
      }
    }
    // The Segment calls a live run would make: one identify and three tracks per call, every one synthetic.
    const segment = (await readFile(join(o.out, 'segment.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const call of calls) {
      const mine = segment.filter((m) => String(m.messageId).startsWith(`${call.callId}:`));
      expect(mine.map((m) => m.event ?? m.type).sort(), call.callId).toEqual(
        ['Call Analyzed', 'Call Completed', 'Call Started', 'identify'].sort(),
      );
    }
    expect(new Set(segment.map((m) => m.messageId)).size).toBe(segment.length);
    expect(segment.every((m) => m.properties?.synthetic === true || m.traits?.synthetic === true)).toBe(true);
    const manifest = JSON.parse(await readFile(join(o.out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ synthetic: true, seed: 'cli-test', counts: { calls: 6 } });
  }, 120_000);

  it('writes identical calls.jsonl, transcripts and labels for the same seed', async () => {
    const a = await base({ seed: 'same-seed' });
    const b = await base({ seed: 'same-seed' });
    await generate(a);
    await generate(b);
    expect(await files(b.out)).toEqual(await files(a.out));
  }, 180_000);

  it('with audio, writes one dual-channel WAV per call with speech on both channels', async () => {
    const o = await base({ calls: 1, concurrency: 1, audio: true });
    await generate(o);
    const [file] = await readdir(join(o.out, 'recordings'));
    const wav = await readFile(join(o.out, 'recordings', file as string));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    const channels = wav.readUInt16LE(22);
    expect(channels).toBe(2);
    // 16-bit PCM after the 44-byte header: count loud samples per channel.
    const loud = [0, 0];
    for (let i = 44; i + 3 < wav.length; i += 4) {
      if (Math.abs(wav.readInt16LE(i)) > 50) loud[0] = (loud[0] as number) + 1;
      if (Math.abs(wav.readInt16LE(i + 2)) > 50) loud[1] = (loud[1] as number) + 1;
    }
    expect(loud[0]).toBeGreaterThan(1000);
    expect(loud[1]).toBeGreaterThan(1000);
  }, 120_000);

  it('stops with SYNTH_DATASET_WRITE_FAILED before placing any call when the folder cannot be written', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'synthcall-bad-'));
    await writeFile(join(parent, 'file'), 'x');
    const err = await generate(await base({ out: join(parent, 'file', 'out') })).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('SYNTH_DATASET_WRITE_FAILED');
  });
});
