import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { afterEach, describe, expect, it } from 'vitest';
import { callContext } from '../domain/context.js';
import { groundTruthRecord } from '../domain/director/ground-truth.js';
import type { Move } from '../domain/director/move.js';
import type { LineRequest } from '../domain/llm-provider.js';
import { systemPrompt } from '../domain/prompt.js';
import { seededRandom } from '../domain/random.js';
import { simulateCall } from '../domain/simulate.js';
import { type EngineMetrics, noopEngineMetrics } from '../engine-metrics.js';
import { OpenAiLlmProvider, type OpenAiLlmProviderOptions } from './openai-llm-provider.js';
import { ScriptedLlmProvider } from './scripted-llm-provider.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

interface FakeModelServer {
  url: string;
  requests: Array<{
    path: string;
    body: {
      model: string;
      messages: Array<{ role: string; content: string }>;
      response_format?: { type: string };
      seed?: number;
      temperature?: number;
    };
  }>;
  /** Responders used in order; the last one repeats. */
  respond(...responders: Responder[]): void;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An OpenAI-compatible chat completions endpoint on 127.0.0.1, scripted per request. */
async function fakeModelServer(): Promise<FakeModelServer> {
  let responders: Responder[] = [];
  const requests: FakeModelServer['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: JSON.parse(raw) });
      const responder = responders.length > 1 ? responders.shift() : responders[0];
      responder?.(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    respond: (...r) => {
      responders = r;
    },
  };
}

function completion(content: string, usage = { prompt_tokens: 120, completion_tokens: 18 }): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  };
}

function status(code: number, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message: `status ${code}`, type: 'server_error' } }));
  };
}

const set = defaultPersonas();
const customer = set.customers[0] as CustomerPersona;
const agent = set.agents[0] as AgentPersona;
const context = callContext({ callId: 'call-1', seed: 's', maxTurns: 24, customer, agent });
const first = customer.name.split(' ')[0] as string;

/** The customer's first line as the director might plan it: a name and a figure, which a model must keep. */
const move: Move = {
  role: 'customer',
  turn: 1,
  kind: 'state_issue',
  line: `Hi, this is ${customer.name}. I was charged twice for the same order, $48.20 each time.`,
  mood: 'frustrated',
  names: [],
  plannedPii: [{ type: 'person_name', value: customer.name }],
};

function request(overrides: Partial<Move> = {}): LineRequest {
  return {
    context,
    role: 'customer',
    turn: 1,
    history: [
      { role: 'system', content: systemPrompt(context, 'customer'), turn: -1 },
      { role: 'user', content: 'Thank you for calling, who am I speaking with?', turn: 0 },
    ],
    move: { ...move, ...overrides },
  };
}

const line = (text: string) => completion(JSON.stringify({ line: text }));
const GOOD = `${first} here, and I got charged $48.20 twice for one order.`;

interface Recorded {
  sleeps: number[];
  requests: Array<[string, string]>;
  tokens: Array<[string, number]>;
  cost: number;
  breaker: number[];
}

function provider(server: FakeModelServer, overrides: Partial<OpenAiLlmProviderOptions> = {}) {
  const recorded: Recorded = { sleeps: [], requests: [], tokens: [], cost: 0, breaker: [] };
  const metrics: EngineMetrics = {
    ...noopEngineMetrics,
    llmRequest: (p, outcome) => recorded.requests.push([p, outcome]),
    llmTokens: (_p, kind, n) => recorded.tokens.push([kind, n]),
    llmCost: (_p, usd) => {
      recorded.cost += usd;
    },
    breakerState: (_p, s) => recorded.breaker.push(s),
  };
  const llm = new OpenAiLlmProvider({
    apiKey: 'test-key',
    baseURL: server.url,
    model: 'gpt-4o-mini',
    timeoutMs: 2_000,
    maxRetries: 2,
    breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    prices: { prompt: 0.15, completion: 0.6 },
    now: () => 0,
    random: seededRandom('jitter'),
    sleep: async (ms) => {
      recorded.sleeps.push(ms);
    },
    metrics,
    ...overrides,
  });
  return { llm, recorded };
}

describe("openai provider: a model rewords the director's move", () => {
  it("speaks the model's wording when it keeps to the move, and counts its tokens and estimated cost", async () => {
    const server = await fakeModelServer();
    server.respond(line(GOOD));
    const { llm, recorded } = provider(server);
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ text: GOOD, realizedBy: 'model', requests: 1 });
    expect(result.usage).toEqual({ prompt: 120, completion: 18 });
    expect(recorded.tokens).toEqual([
      ['prompt', 120],
      ['completion', 18],
    ]);
    expect(recorded.cost).toBeCloseTo((120 * 0.15 + 18 * 0.6) / 1_000_000, 12);
    const sent = server.requests[0]?.body;
    // The prompt carries the persona, the role's own history and the move; the answer is asked for as JSON.
    expect(sent?.messages[0]?.content).toContain(customer.name);
    expect(sent?.messages.at(-1)?.content).toContain('Agent: Thank you for calling, who am I speaking with?');
    expect(sent?.messages.at(-1)?.content).toContain(move.line);
    expect(sent?.response_format?.type).toBe('json_schema');
    expect(typeof sent?.seed).toBe('number');
  });

  it('asks for plain text with a LINE: tag when structured output is off', async () => {
    const server = await fakeModelServer();
    server.respond(completion(`LINE: ${GOOD}`));
    const { llm } = provider(server, { responseFormat: 'text' });
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ text: GOOD, realizedBy: 'model' });
    expect(server.requests[0]?.body.response_format).toBeUndefined();
    expect(server.requests[0]?.body.messages[0]?.content).toContain('LINE:');
  });

  it('waits as long as Retry-After asks after a 429, then uses the answer', async () => {
    const server = await fakeModelServer();
    server.respond(status(429, { 'retry-after': '3' }), line(GOOD));
    const { llm, recorded } = provider(server);
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ text: GOOD, realizedBy: 'model' });
    expect(recorded.sleeps).toEqual([3_000]);
    expect(recorded.requests.map(([, o]) => o)).toEqual(['rate_limited', 'ok']);
  });

  it("speaks the move's own line when Retry-After is longer than a line may wait", async () => {
    const server = await fakeModelServer();
    server.respond(status(429, { 'retry-after': '120' }));
    const { llm, recorded } = provider(server);
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({
      text: move.line,
      realizedBy: 'template',
      templateReason: 'SYNTH_LLM_RATE_LIMITED',
    });
    expect(recorded.sleeps).toEqual([]);
  });

  it("backs off exponentially on 500s, speaks the move's own line, and stops asking once the breaker opens", async () => {
    const server = await fakeModelServer();
    server.respond(status(500));
    const { llm, recorded } = provider(server);
    for (let i = 0; i < 3; i++) {
      const result = await llm.nextLine(request());
      expect(result).toMatchObject({
        text: move.line,
        realizedBy: 'template',
        templateReason: 'SYNTH_LLM_SERVER_ERROR',
      });
    }
    // 3 lines × (1 + 2 retries); full jitter stays under the doubling caps.
    expect(server.requests).toHaveLength(9);
    expect(recorded.sleeps.every((ms, i) => ms <= 250 * 2 ** (i % 2))).toBe(true);
    expect(llm.breakerState).toBe('open');
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ realizedBy: 'template', templateReason: 'SYNTH_LLM_CIRCUIT_OPEN' });
    expect(server.requests).toHaveLength(9);
  });

  it('lets one trial request through after the cooldown and closes the breaker when it succeeds', async () => {
    const server = await fakeModelServer();
    server.respond(status(500), status(500), status(500), line(GOOD));
    let now = 0;
    const { llm } = provider(server, { maxRetries: 0, now: () => now });
    for (let i = 0; i < 3; i++) await llm.nextLine(request());
    expect(llm.breakerState).toBe('open');
    now = 60_001;
    expect(await llm.nextLine(request())).toMatchObject({ text: GOOD, realizedBy: 'model' });
    expect(llm.breakerState).toBe('closed');
  });

  it("speaks the move's own line when the server does not answer in time", async () => {
    const server = await fakeModelServer();
    server.respond(() => {}); // never answers
    const { llm, recorded } = provider(server, { timeoutMs: 100, maxRetries: 1 });
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({
      text: move.line,
      realizedBy: 'template',
      templateReason: 'SYNTH_LLM_TIMEOUT',
    });
    expect(recorded.requests.map(([, o]) => o)).toEqual(['timeout', 'timeout']);
  });

  it('asks once more after an empty answer, and uses the second when it is good', async () => {
    const server = await fakeModelServer();
    server.respond(line(''), line(GOOD));
    const { llm } = provider(server);
    expect(await llm.nextLine(request())).toMatchObject({ text: GOOD, realizedBy: 'model', requests: 2 });
    expect(server.requests[1]?.body.messages.at(-1)?.content).toContain('could not be used');
  });

  it.each([
    ['garbage instead of JSON', completion('Sure! Here is the line you asked for')],
    ['JSON cut off', completion('{"line": "I was charged')],
    ['JSON without a line', completion('{"text": "hello"}')],
    [
      'no message at all',
      (_req: IncomingMessage, res: ServerResponse) => res.end(JSON.stringify({ choices: [] })),
    ],
  ])("speaks the move's own line after two unreadable answers: %s", async (_name, responder) => {
    const server = await fakeModelServer();
    server.respond(responder as Responder);
    const { llm } = provider(server);
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ text: move.line, realizedBy: 'template', requests: 2 });
    expect(server.requests).toHaveLength(2);
    expect(llm.breakerState).toBe('closed');
  });

  it.each([
    ['a line in the other role', 'Thank you for calling, how can I help you today?', 'wrong_role'],
    ['a made-up figure', `${first} here, I was charged $99.99 twice.`, 'made_up_figure'],
    [
      'a made-up email',
      `${first} here, my email is nobody@example.org and I was charged $48.20 twice.`,
      'made_up_contact',
    ],
    [
      'a made-up name',
      `This is ${first}, and my neighbour Jessica says I was charged $48.20 twice.`,
      'made_up_name',
    ],
    [
      'a goodbye the plan does not have',
      `${first} here, I was charged $48.20 twice. Goodbye!`,
      'premature_goodbye',
    ],
    ['a line about something else', 'The weather is lovely today and my garden looks beautiful.', 'off_move'],
    ['talk about the task', `Here is a rephrase of the line: ${GOOD}`, 'meta_talk'],
  ])("asks once more, then speaks the move's own line, for %s", async (_name, wording, problem) => {
    const server = await fakeModelServer();
    server.respond(line(wording));
    const { llm, recorded } = provider(server);
    const result = await llm.nextLine(request());
    expect(result).toMatchObject({ text: move.line, realizedBy: 'template', requests: 2 });
    expect(result.templateReason).toContain(problem);
    expect(recorded.requests.map(([, o]) => o)).toContain(`rejected_${problem}`);
    expect(server.requests[1]?.body.messages.at(-1)?.content).toContain(problem);
  });

  it('asks again hotter only after a copy of the move, and names the problem by its code alone', async () => {
    const copied = await fakeModelServer();
    copied.respond(line(move.line));
    const copying = await provider(copied, { temperature: 0.8 }).llm.nextLine(request());
    expect(copied.requests.map((r) => r.body.temperature)).toEqual([0.8, 0.8 + 0.4]);
    // A metric label: the code, not the line's words.
    expect(copying.templateReason).toBe('SYNTH_LLM_CONTRADICTS_PLAN:copied');

    const madeUp = await fakeModelServer();
    madeUp.respond(line(`${first} here, I was charged $99.99 twice.`));
    const result = await provider(madeUp, { temperature: 1.3 }).llm.nextLine(request());
    expect(madeUp.requests.map((r) => r.body.temperature)).toEqual([1.3, 1.3]);
    expect(result.templateReason).toBe('SYNTH_LLM_CONTRADICTS_PLAN:made_up_figure');

    const hot = await fakeModelServer();
    hot.respond(line(move.line));
    await provider(hot, { temperature: 1.3 }).llm.nextLine(request());
    expect(hot.requests.map((r) => r.body.temperature)).toEqual([1.3, 1.5]);
  });

  it.each([
    ['sentences', `${GOOD} I was charged twice. I was charged twice. I was charged twice.`],
    ['JSON cut off mid-loop', `{"line": "${GOOD} I'm sorry, I'm sorry, I'm sorry, I'm sorry, I'm sorr`],
  ])('keeps a model line that starts well and then loops only up to the loop (%s)', async (_name, answer) => {
    const server = await fakeModelServer();
    server.respond(answer.startsWith('{') ? completion(answer) : line(answer));
    const { llm } = provider(server);
    expect((await llm.nextLine(request())).text).toBe(
      answer.startsWith('{') ? GOOD : `${GOOD} I was charged twice.`,
    );
  });

  it('greets with the agent persona introduction without calling the model', async () => {
    const server = await fakeModelServer();
    const { llm } = provider(server);
    const result = await llm.nextLine({
      ...request(),
      role: 'agent',
      turn: 0,
      move: { ...move, role: 'agent', turn: 0, kind: 'greet', line: 'Thank you for calling, this is Renee.' },
    });
    expect(result).toMatchObject({ text: 'Thank you for calling, this is Renee.', realizedBy: 'template' });
    expect(server.requests).toHaveLength(0);
  });
});

/**
 * A stand-in rewording that changes enough words not to count as a copy of the line (check.ts `wordsChanged`): a few
 * words of its own in front and the sentences in the other order, every fact kept.
 */
function reworded(planned: string): string {
  const sentences = planned.split(/(?<=[.!?])\s+/);
  return `Okay, right, let me see, so. ${sentences.reverse().join(' ')}`;
}

describe('labels for every provider', () => {
  it('labels a model-worded call from its spoken words, with the same structure as the scripted call of the same plan', async () => {
    const server = await fakeModelServer();
    server.respond((_req, res) => {
      const body = server.requests.at(-1)?.body;
      const ask = body?.messages.at(-1)?.content ?? '';
      const planned = /Say this in your own words: "([\s\S]*)"/.exec(ask)?.[1] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: JSON.stringify({ line: reworded(planned) }) },
            },
          ],
          usage: { prompt_tokens: 50, completion_tokens: 10 },
        }),
      );
    });
    const { llm } = provider(server);
    const voices = {
      agent: { voice: 'man', language: 'en-US' },
      customer: { voice: 'woman', language: 'en-US' },
    };
    for (let i = 0; i < 10; i++) {
      const plan = callContext({
        callId: `call-${i}`,
        seed: `side-by-side-${i}`,
        maxTurns: 24,
        customer: set.customers[i % set.customers.length] as CustomerPersona,
        agent: set.agents[i % set.agents.length] as AgentPersona,
      });
      const scripted = await simulateCall(
        plan,
        { agent: new ScriptedLlmProvider(), customer: new ScriptedLlmProvider() },
        { voices },
      );
      const model = await simulateCall(plan, { agent: llm, customer: llm }, { voices });
      const a = groundTruthRecord(scripted.state, plan, { name: 'scripted', model: null }, 1, 0);
      const b = groundTruthRecord(model.state, plan, { name: 'openai', model: 'gpt-4o-mini' }, 1, 0);
      // Same plan, same moves, same outcome; only the words (and so the offsets) differ.
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      expect(b.intendedOutcome).toBe(a.intendedOutcome);
      expect(b.turns.map((t) => [t.role, t.move])).toEqual(a.turns.map((t) => [t.role, t.move]));
      expect(b.demeanorTrajectory).toEqual(a.demeanorTrajectory);
      // The same disclosures in the same turns (their order inside a turn follows the wording).
      const disclosures = (r: typeof a) => r.pii.map((p) => `${p.turn} ${p.type} ${p.value}`).sort();
      expect(disclosures(b)).toEqual(disclosures(a));
      expect(b.endReason).toBe(a.endReason);
      expect(a.turns.every((t) => t.realizedBy === 'template')).toBe(true);
      expect(b.turns.filter((t) => t.realizedBy !== 'model').map((t) => [t.move, t.text])).toEqual([
        ['greet', a.turns[0]?.text],
      ]);
      for (const record of [a, b])
        for (const span of record.pii) {
          const spoken = record.turns.find((t) => t.turn === span.turn)?.text ?? '';
          expect(spoken.slice(span.start, span.end)).toBe(span.value);
        }
    }
  });

  it("keeps the director's holds, repairs and acknowledgements in a model-worded call: the provider decides none of them", async () => {
    const server = await fakeModelServer();
    server.respond((_req, res) => {
      const ask = server.requests.at(-1)?.body.messages.at(-1)?.content ?? '';
      const planned = /Say this in your own words: "([\s\S]*)"/.exec(ask)?.[1] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: JSON.stringify({ line: reworded(planned) }) },
            },
          ],
          usage: { prompt_tokens: 50, completion_tokens: 10 },
        }),
      );
    });
    const { llm } = provider(server);
    const voices = {
      agent: { voice: 'man', language: 'en-US' },
      customer: { voice: 'woman', language: 'en-US' },
    };
    // A recogniser that takes every 1 for a 7, so figures are misheard and repaired.
    const hear = (text: string) => text.replace(/1/g, '7');
    const seen = { holds: 0, repairs: 0, backchannels: 0 };
    for (let i = 0; i < 12; i++) {
      const plan = callContext({
        callId: `call-${i}`,
        seed: `shape-${i}`,
        maxTurns: 60,
        customer: set.customers[(i * 7) % set.customers.length] as CustomerPersona,
        agent: set.agents[i % set.agents.length] as AgentPersona,
      });
      const scripted = await simulateCall(
        plan,
        { agent: new ScriptedLlmProvider(), customer: new ScriptedLlmProvider() },
        { voices, hear },
      );
      const model = await simulateCall(plan, { agent: llm, customer: llm }, { voices, hear });
      const a = groundTruthRecord(scripted.state, plan, { name: 'scripted', model: null }, 1, 0);
      const b = groundTruthRecord(model.state, plan, { name: 'openai', model: 'gpt-4o-mini' }, 1, 0);
      expect(
        b.turns.map((t) => [t.turn, t.role, t.move]),
        `call ${i}`,
      ).toEqual(a.turns.map((t) => [t.turn, t.role, t.move]));
      expect(b.holds, `call ${i}`).toEqual(a.holds);
      expect(b.turns.some((t) => t.realizedBy === 'model')).toBe(true);
      seen.holds += b.holds.filter((h) => h.seconds >= 30).length;
      seen.repairs += b.turns.filter((t) => t.move === 'read_back').length;
      seen.backchannels += b.turns.filter((t) => t.move === 'backchannel').length;
    }
    expect(seen.holds).toBeGreaterThan(0);
    expect(seen.repairs).toBeGreaterThan(0);
    expect(seen.backchannels).toBeGreaterThan(0);
  }, 120_000);
});
