import { defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { pick, seededRandom } from '../random.js';
import { simulateCall } from '../simulate.js';
import type { ChatMessage } from '../types.js';
import { parseDirectorState } from './director.js';
import { plannerHistory, roomToSplit, splitLine, withFillers } from './turn-taking.js';

describe('turn-taking', () => {
  it('cuts a long line at a sentence boundary, never inside a figure, and says all of it', () => {
    const line =
      'Okay, I found it. There is a past-due amount of $205.28 from September 9th. How much could you pay?';
    let cut = 0;
    for (let i = 0; i < 20; i++) {
      const parts = splitLine(line, seededRandom(`split-${i}`));
      if (!parts) continue;
      cut++;
      expect(`${parts[0]} ${parts[1]}`).toBe(line);
      expect(parts[0]).toMatch(/[.!?]$/);
    }
    expect(cut).toBeGreaterThan(0);
    expect(splitLine('Okay, noted.', seededRandom('short'))).toBeNull();
  });

  it('puts fillers only between plain words, so names, figures and ids stay whole', () => {
    const line =
      'My name is Dana Reyes and the account number is TC-61129930. I paid $40 on the third of this month.';
    for (let i = 0; i < 30; i++) {
      const said = withFillers(line, 'customer', seededRandom(`fill-${i}`));
      expect(said.replace(/, u[hm],/g, '')).toBe(line);
      expect(said).toContain('Dana Reyes');
      expect(said).toContain('TC-61129930');
    }
  });

  it('joins a line said in parts and drops the acknowledgements, for the planner', () => {
    const history: ChatMessage[] = [
      { role: 'assistant', content: 'What is the account number?', turn: 2 },
      { role: 'user', content: 'One second.', turn: 3 },
      { role: 'assistant', content: 'Mm-hm.', turn: 4 },
      { role: 'user', content: 'It is TC-61129930.', turn: 5 },
    ];
    expect(plannerHistory(history, [4], [5])).toEqual([
      { role: 'assistant', content: 'What is the account number?', turn: 2 },
      { role: 'user', content: 'One second. It is TC-61129930.', turn: 5 },
    ]);
  });

  it('splits only while the longest plan still fits under the turn cap', () => {
    expect(roomToSplit(0, 0, 24)).toBe(false);
    expect(roomToSplit(0, 0, 60)).toBe(true);
    expect(roomToSplit(30, 10, 60)).toBe(true);
    expect(roomToSplit(58, 10, 60)).toBe(false);
  });

  it('gives scripted calls short turns and acknowledgements, each call still ending as planned with exact labels', async () => {
    const personas = defaultPersonas();
    const random = seededRandom('turn-taking');
    const provider = new ScriptedLlmProvider();
    const words: number[] = [];
    let backchannels = 0;
    for (let i = 0; i < 40; i++) {
      const context = callContext({
        callId: `call-${i}`,
        seed: `turn-taking-${i}`,
        maxTurns: 60,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const { lines, state } = await simulateCall(context, { agent: provider, customer: provider });
      const director = parseDirectorState(state.director, context);
      expect(state.end?.reason, `call ${i}`).toBe(director.plan.intendedOutcome);
      for (const span of director.truth.pii)
        expect(lines.find((l) => l.turn === span.turn)?.text.slice(span.start, span.end)).toBe(span.value);
      backchannels += director.turns.filter((t) => t.move === 'backchannel').length;
      words.push(...lines.map((l) => l.text.split(/\s+/).length));
    }
    words.sort((a, b) => a - b);
    expect(backchannels).toBeGreaterThan(40);
    expect(words[Math.floor(words.length / 2)]).toBeLessThanOrEqual(10);
  }, 120_000);
});
