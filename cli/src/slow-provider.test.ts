import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from './embedded.js';
import { testGenerateOptions } from './testing/generate-options.js';
import { slowScriptedProvider } from './testing/slow-provider.js';

/**
 * A model's pace, scaled down tenfold: lines take 0.6–1.5 s while the gateway holds a webhook 0.1 s before each
 * Pause + Redirect (2 s for 6–15 s lines in a real run).
 */
describe('synthcall generate with a slow dialogue provider', () => {
  it('waits for every line in simulated time: every call ends with the engine’s reason and no fallback line', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-slow-'));
    const summary = await generate(
      testGenerateOptions(out, {
        calls: 2,
        concurrency: 2,
        maxTurns: 8,
        timeoutMs: 90_000,
        testProvider: slowScriptedProvider(600, 1_500),
        lineTiming: { LLM_PROVIDER: 'openai', OPENAI_TIMEOUT: 2_000, OPENAI_MAX_RETRIES: 0 },
        replyHoldMs: 100,
        logLevel: 'warn',
      }),
    );
    expect(summary).toMatchObject({ requested: 2, finished: 2, timedOut: false, fallbackTurns: 0 });
    const calls = (await readFile(join(out, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const call of calls) {
      expect(call.endReason, call.callId).toMatch(/^(resolved|escalated|customer_abandoned|max_turns)$/);
      const t = JSON.parse(await readFile(join(out, 'transcripts', `${call.callId}.json`), 'utf8'));
      t.turns.forEach((turn: { turn: number; role: string }, i: number) => {
        expect(turn.turn).toBe(i);
        expect(turn.role).toBe(i % 2 === 0 ? 'agent' : 'customer');
      });
    }
  }, 120_000);
});

describe('synthcall generate --timeout', () => {
  it('bounds the whole run with a slow provider and writes the calls that finished, reporting the rest', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-timeout-'));
    const started = Date.now();
    // Eight calls one at a time, four lines of 0.6–1.5 s each: about 35 s of calls for a 10 s run.
    const summary = await generate(
      testGenerateOptions(out, {
        calls: 8,
        concurrency: 1,
        maxTurns: 4,
        timeoutMs: 10_000,
        testProvider: slowScriptedProvider(600, 1_500),
        lineTiming: { LLM_PROVIDER: 'openai', OPENAI_TIMEOUT: 2_000, OPENAI_MAX_RETRIES: 0 },
        replyHoldMs: 100,
      }),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.timedOut).toBe(true);
    expect(summary.finished).toBeGreaterThan(0);
    expect(summary.unfinished).toBeGreaterThan(0);
    expect(summary.finished + summary.unfinished).toBe(8);

    const calls = (await readFile(join(out, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const ended = calls.filter((c) => c.endReason !== null);
    expect(ended).toHaveLength(summary.finished);
    for (const call of ended) {
      const t = JSON.parse(await readFile(join(out, 'transcripts', `${call.callId}.json`), 'utf8'));
      expect(t.turns.length).toBe(call.turnCount);
    }
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.counts).toMatchObject({
      calls: summary.finished,
      requested: 8,
      unfinished: summary.unfinished,
    });
  }, 60_000);

  it('refuses a --timeout shorter than the reply wait one line may need, naming the engine settings', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthcall-timeout-'));
    const err = await generate(
      testGenerateOptions(out, {
        timeoutMs: 5_000,
        lineTiming: { LLM_PROVIDER: 'openai', OPENAI_TIMEOUT: 6_000, OPENAI_MAX_RETRIES: 2 },
      }),
    ).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('SYNTH_CONFIG_INVALID');
    expect((err as Error).message).toMatch(/--timeout[\s\S]*OPENAI_TIMEOUT, OPENAI_MAX_RETRIES/);
  });
});
