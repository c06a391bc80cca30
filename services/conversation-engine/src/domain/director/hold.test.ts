import { defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { pick, seededRandom } from '../random.js';
import { simulateCall } from '../simulate.js';
import { parseDirectorState } from './director.js';
import { holdSeconds } from './hold.js';

describe('holds that take call time', () => {
  it('keeps most holds past half a minute and none past four minutes', () => {
    const random = seededRandom('hold-lengths');
    const lengths = Array.from({ length: 2_000 }, () => holdSeconds(random));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(240);
    const long = lengths.filter((s) => s >= 30).length / lengths.length;
    expect(long).toBeGreaterThan(0.85);
    expect(long).toBeLessThan(0.95);
  });

  it("puts the agent's next line after a hold once the caller agrees to hold, and records the hold; a caller's silence is no hold", async () => {
    const personas = defaultPersonas();
    const random = seededRandom('holds');
    const provider = new ScriptedLlmProvider();
    let holds = 0;
    let silences = 0;
    for (let i = 0; i < 30; i++) {
      const context = callContext({
        callId: `call-${i}`,
        seed: `hold-${i}`,
        maxTurns: 60,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const { lines, state } = await simulateCall(context, { agent: provider, customer: provider });
      const director = parseDirectorState(state.director, context);
      const accepted = director.turns.filter((t) => t.move === 'accept_hold').map((t) => t.turn + 1);
      const ended = director.turns.at(-1)?.turn;
      expect((director.holds ?? []).map((h) => h.turn)).toEqual(accepted.filter((t) => t !== ended));
      for (const hold of director.holds ?? []) {
        holds++;
        const line = lines.find((l) => l.turn === hold.turn);
        expect(line?.role).toBe('agent');
        expect(line?.text).toMatch(/^(Thank you|Thanks|Sorry for the wait)/);
      }
      // A caller who went to find an id: the agent asks after the silence, the caller answers; not a hold.
      for (const t of director.turns.filter((x) => x.move === 'still_there')) {
        silences++;
        expect(director.turns.find((x) => x.turn === t.turn - 1)?.move).toBe('stall');
        expect(director.turns.find((x) => x.turn === t.turn + 1)?.text).toMatch(/^(Yes|Yeah|Sorry)/);
        expect((director.holds ?? []).some((h) => h.turn === t.turn)).toBe(false);
      }
      for (const span of director.truth.pii)
        expect(lines.find((l) => l.turn === span.turn)?.text.slice(span.start, span.end)).toBe(span.value);
    }
    expect(holds).toBeGreaterThan(3);
    expect(silences).toBeGreaterThan(3);
  }, 120_000);
});
