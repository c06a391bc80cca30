// Generates N scripted calls in-process (no bus) through the engine's own domain functions and reports how varied
// they are: identical transcripts and distinct-2 (distinct word bigrams / all word bigrams over all turns).
// Usage: npm run distinct2 -w @synthcall/conversation-engine -- [calls=1000] [seed=distinct2]
import { defaultPersonas } from '@synthcall/personas';
import { ScriptedLlmProvider } from '../src/adapters/scripted-llm-provider.js';
import { callContext } from '../src/domain/context.js';
import { pick, seededRandom } from '../src/domain/random.js';
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

const transcripts = new Set<string>();
const bigrams = new Set<string>();
let totalBigrams = 0;
let turns = 0;
let identical = 0;
let perCallSum = 0;
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
  turns += lines.length;
  const key = lines.map((l) => l.text).join('\n');
  if (transcripts.has(key)) identical++;
  transcripts.add(key);
  const reason = state.end?.reason ?? 'none';
  endReasons.set(reason, (endReasons.get(reason) ?? 0) + 1);
  const own = new Set<string>();
  let ownTotal = 0;
  for (const line of lines) {
    const words = line.text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    for (let w = 0; w + 1 < words.length; w++) {
      bigrams.add(`${words[w]} ${words[w + 1]}`);
      own.add(`${words[w]} ${words[w + 1]}`);
      ownTotal++;
      totalBigrams++;
    }
  }
  perCallSum += own.size / Math.max(1, ownTotal);
  // Inspection aids: SHOW_CALL=<index> prints one transcript, DUMP_LINES=1 every line (both to stderr).
  if (process.env.SHOW_CALL === String(i))
    for (const l of lines) process.stderr.write(`${l.turn} ${l.role}: ${l.text}\n`);
  if (process.env.DUMP_LINES) for (const l of lines) process.stderr.write(`${l.text}\n`);
}

console.log(
  JSON.stringify(
    {
      calls,
      turns,
      identicalTranscripts: identical,
      distinctBigrams: bigrams.size,
      totalBigrams,
      distinct2: Number((bigrams.size / Math.max(1, totalBigrams)).toFixed(4)),
      // Context only (not the target measure): the same ratio inside each call, averaged.
      meanPerCallDistinct2: Number((perCallSum / Math.max(1, calls)).toFixed(4)),
      endReasons: Object.fromEntries(endReasons),
    },
    null,
    2,
  ),
);
