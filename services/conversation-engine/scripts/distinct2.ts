// Generates N scripted calls in-process (no bus) through the engine's own domain functions and reports how varied
// they are: identical transcripts and distinct-2 (distinct word bigrams / all word bigrams over all turns).
// Usage: npm run distinct2 -w @synthcall/conversation-engine -- [calls=1000] [seed=distinct2]
import { defaultPersonas } from '@synthcall/personas';
import { ScriptedLlmProvider } from '../src/adapters/scripted-llm-provider.js';
import { callContext } from '../src/domain/context.js';
import { pick, seededRandom } from '../src/domain/random.js';
import { measureDiversity } from '../src/domain/scripted/diversity.js';
import { simulateCall } from '../src/domain/simulate.js';

const calls = Number(process.argv[2] ?? 1000);
const seed = process.argv[3] ?? 'distinct2';
const personas = defaultPersonas();
const random = seededRandom(seed);
const provider = new ScriptedLlmProvider();
const providers = { agent: provider, customer: provider };
const voices = {
  agent: { voice: 'man', language: 'en-US' },
  customer: { voice: 'woman', language: 'en-US' },
};

const transcripts: string[][] = [];
const endReasons = new Map<string, number>();

for (let i = 0; i < calls; i++) {
  const context = callContext({
    callId: `call-${i}`,
    seed: `${seed}-${i}`,
    maxTurns: 24,
    customer: pick(random, personas.customers),
    agent: pick(random, personas.agents),
  });
  const { lines, state } = await simulateCall(context, providers, { voices });
  transcripts.push(lines.map((l) => l.text));
  const reason = state.end?.reason ?? 'none';
  endReasons.set(reason, (endReasons.get(reason) ?? 0) + 1);
  // Inspection aids: SHOW_CALL=<index> prints one transcript, DUMP_LINES=1 every line (both to stderr).
  if (process.env.SHOW_CALL === String(i))
    for (const l of lines) process.stderr.write(`${l.turn} ${l.role}: ${l.text}\n`);
  if (process.env.DUMP_LINES) for (const l of lines) process.stderr.write(`${l.text}\n`);
}

const diversity = measureDiversity(transcripts);
// distinct-2 falls as the corpus grows (a bigram seen once can only repeat): the same calls' first 100, 250, ….
const bySize = Object.fromEntries(
  [100, 250, 500, 1000, 2000, 5000]
    .filter((n) => n < calls)
    .map((n) => [n, Number(measureDiversity(transcripts.slice(0, n)).distinct2.toFixed(4))]),
);
console.log(
  JSON.stringify(
    {
      ...diversity,
      distinct2: Number(diversity.distinct2.toFixed(4)),
      meanPerCallDistinct2: Number(diversity.meanPerCallDistinct2.toFixed(4)),
      distinct2ByCalls: { ...bySize, [calls]: Number(diversity.distinct2.toFixed(4)) },
      endReasons: Object.fromEntries(endReasons),
    },
    null,
    2,
  ),
);
