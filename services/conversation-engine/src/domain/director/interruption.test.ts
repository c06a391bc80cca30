import { defaultPersonas } from '@synthcall/personas';
import { BARGE_IN_STOP_SEC, spokenBefore } from '@synthcall/speech-timing';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { pick, seededRandom } from '../random.js';
import { simulateCall } from '../simulate.js';
import { parseDirectorState } from './director.js';

describe('cutting into the other side’s line', () => {
  it('keeps of a cut line the words said before the cut, with their PII only, and the cut role restarts the sentence', async () => {
    const personas = defaultPersonas();
    const random = seededRandom('interruptions');
    const provider = new ScriptedLlmProvider();
    let cut = 0;
    let callsCut = 0;
    const calls = 60;
    for (let i = 0; i < calls; i++) {
      const context = callContext({
        callId: `call-${i}`,
        seed: `cut-${i}`,
        maxTurns: 60,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const { lines, state } = await simulateCall(context, { agent: provider, customer: provider });
      const director = parseDirectorState(state.director, context);
      const interruptions = director.interruptions ?? [];
      if (interruptions.length > 0) callsCut++;
      for (const x of interruptions) {
        cut++;
        const line = lines.find((l) => l.turn === x.turn);
        if (!line) throw new Error(`no line at ${x.turn}`);
        // What the telephony said of it: the words begun before the voice stopped, the rest not.
        expect(spokenBefore(line.text, context[x.role].voice, x.afterSec + BARGE_IN_STOP_SEC)).toEqual({
          said: x.said,
          rest: x.cut,
        });
        expect(x.cut).not.toBe('');
        expect(director.turns.find((t) => t.turn === x.turn)?.text).toBe(x.said);
        for (const span of director.truth.pii.filter((s) => s.turn === x.turn))
          expect(x.said.slice(span.start, span.end)).toBe(span.value);
        // The other side cut in with the line after, planned with its line before; the cut role then resumes.
        expect(director.turns.find((t) => t.turn === x.turn + 1)?.move).toBe('interject');
        expect(x.by).not.toBe(x.role);
        const next = lines.find((l) => l.turn === x.turn + 2);
        if (next) {
          expect(next.role).toBe(x.role);
          expect(next.text).toMatch(/^(Sorry|Yes, sorry|Right, so|As I was saying|Okay, so)[.,] /);
        }
      }
    }
    // Common, not every call: the aim is 10–30% of calls with a line cut.
    expect(cut).toBeGreaterThan(0);
    expect(callsCut / calls).toBeGreaterThan(0.05);
    expect(callsCut / calls).toBeLessThan(0.4);
  });
});
