import { defaultPersonas } from '@synthcall/personas';
import { ScriptedLlmProvider } from './src/adapters/scripted-llm-provider.js';
import { callContext } from './src/domain/context.js';
import { transcript } from './src/domain/conversation.js';
import { assessCall } from './src/domain/quality-gate.js';
import { pick, seededRandom } from './src/domain/random.js';
import { simulateCall } from './src/domain/simulate.js';

const personas = defaultPersonas();
const random = seededRandom('distinct2');
const p = new ScriptedLlmProvider();
let shown = 0;
for (let i = 0; i < 1000; i++) {
  const ctx = callContext({
    callId: `c${i}`,
    seed: `distinct2-${i}`,
    maxTurns: 24,
    customer: pick(random, personas.customers),
    agent: pick(random, personas.agents),
  });
  const { lines, state } = await simulateCall(
    ctx,
    { agent: p, customer: p },
    {
      voices: { agent: { voice: 'man', language: 'en-US' }, customer: { voice: 'woman', language: 'en-US' } },
    },
  );
  if (state.end?.reason === 'loop_detected' || state.end?.reason === 'max_turns') {
    const t = transcript(state);
    for (let k = 1; k < t.length; k++) {
      const v = assessCall(t.slice(0, k));
      if (!v.ok) {
        console.log(state.end?.reason, JSON.stringify(v));
        break;
      }
    }
    if (shown++ < 2) for (const l of lines) console.log(`  ${l.turn} ${l.role}: ${l.text}`);
  }
}
