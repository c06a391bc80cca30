import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { type ReplyReady, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { callContext } from '../domain/context.js';
import type { LineRequest } from '../domain/llm-provider.js';
import { systemPrompt } from '../domain/prompt.js';
import { seededRandom } from '../domain/random.js';
import { ConversationEngine } from '../engine.js';
import { type EngineMetrics, noopEngineMetrics } from '../engine-metrics.js';
import { MemoryStateStore } from './memory-state-store.js';
import { OpenAiLlmProvider, type OpenAiLlmProviderOptions } from './openai-llm-provider.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

interface FakeModelServer {
  url: string;
  requests: Array<{
    path: string;
    body: { model: string; messages: Array<{ role: string; content: string }> };
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
const context = callContext({
  callId: 'call-1',
  seed: 's',
  maxTurns: 24,
  customer: set.customers[0] as CustomerPersona,
  agent: set.agents[0] as AgentPersona,
});

function request(turn = 1): LineRequest {
  return {
    context,
    role: 'customer',
    turn,
    history: [
      { role: 'system', content: systemPrompt(context, 'customer'), turn: -1 },
      { role: 'user', content: 'Thank you for calling, who am I speaking with?', turn: 0 },
    ],
    state: null,
  };
}

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

describe('openai provider against a local OpenAI-compatible server', () => {
  it('returns the model line and counts its tokens and estimated cost', async () => {
    const server = await fakeModelServer();
    server.respond(completion('Hi, this is Dana Whitfield. I was charged a fee I should not have been.'));
    const { llm, recorded } = provider(server);
    const line = await llm.nextLine(request());
    expect(line).toMatchObject({
      text: 'Hi, this is Dana Whitfield. I was charged a fee I should not have been.',
      fallback: false,
      usage: { prompt: 120, completion: 18 },
    });
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.body.model).toBe('gpt-4o-mini');
    expect(server.requests[0]?.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(recorded.tokens).toEqual([
      ['prompt', 120],
      ['completion', 18],
    ]);
    expect(recorded.cost).toBeCloseTo((120 * 0.15 + 18 * 0.6) / 1e6, 12);
    expect(recorded.requests).toEqual([['openai', 'ok']]);
  });

  it('waits as long as Retry-After asks after a 429, then uses the answer', async () => {
    const server = await fakeModelServer();
    server.respond(
      status(429, { 'retry-after': '3' }),
      completion('Sure, my account number is on the bill.'),
    );
    const { llm, recorded } = provider(server);
    const line = await llm.nextLine(request());
    expect(line.fallback).toBe(false);
    expect(server.requests).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
    expect(recorded.sleeps[0]).toBeGreaterThanOrEqual(3_000);
    expect(recorded.requests).toEqual([
      ['openai', 'rate_limited'],
      ['openai', 'ok'],
    ]);
  });

  it('backs off exponentially on 500s, falls back, and stops calling once the breaker opens', async () => {
    const server = await fakeModelServer();
    server.respond(status(500));
    const { llm, recorded } = provider(server, {
      maxRetries: 1,
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    const first = await llm.nextLine(request(1));
    const second = await llm.nextLine(request(3));
    expect([first.fallback, second.fallback]).toEqual([true, true]);
    expect(first.fallbackReason).toBe('SYNTH_LLM_SERVER_ERROR');
    expect(server.requests).toHaveLength(4);
    expect(llm.breakerState).toBe('open');
    expect(recorded.breaker.at(-1)).toBe(2);
    const third = await llm.nextLine(request(5));
    expect(third).toMatchObject({ fallback: true, fallbackReason: 'SYNTH_LLM_CIRCUIT_OPEN' });
    expect(server.requests).toHaveLength(4);
    expect(recorded.sleeps.every((ms) => ms >= 0 && ms <= 250)).toBe(true);
  });

  it('lets one trial request through after the cooldown and closes the breaker when it succeeds', async () => {
    const server = await fakeModelServer();
    server.respond(status(503), completion('Okay, thank you.'));
    let now = 0;
    const { llm } = provider(server, {
      maxRetries: 0,
      now: () => now,
      breaker: { failureThreshold: 1, cooldownMs: 1_000 },
    });
    expect((await llm.nextLine(request(1))).fallback).toBe(true);
    expect(llm.breakerState).toBe('open');
    now = 1_000;
    expect(llm.breakerState).toBe('half_open');
    expect((await llm.nextLine(request(3))).fallback).toBe(false);
    expect(llm.breakerState).toBe('closed');
  });

  it('falls back when the server sends garbage instead of JSON', async () => {
    const server = await fakeModelServer();
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [ this is not json');
    });
    const { llm } = provider(server);
    expect(await llm.nextLine(request())).toMatchObject({
      fallback: true,
      fallbackReason: 'SYNTH_LLM_INVALID_RESPONSE',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('falls back when the server does not answer in time', async () => {
    const server = await fakeModelServer();
    server.respond(() => {}); // never answers
    const { llm } = provider(server, { timeoutMs: 150, maxRetries: 1 });
    const line = await llm.nextLine(request());
    expect(line).toMatchObject({ fallback: true, fallbackReason: 'SYNTH_LLM_TIMEOUT' });
    expect(server.requests).toHaveLength(2);
    expect(line.text.length).toBeGreaterThan(0);
  });

  it('falls back on nonsense: an empty line, an endless line, a line that speaks for the other side', async () => {
    const server = await fakeModelServer();
    server.respond(
      completion('   '),
      completion('word '.repeat(200)),
      completion('Thank you for calling! How can I help you today?'),
    );
    const { llm } = provider(server);
    for (let turn = 1; turn <= 5; turn += 2)
      expect(await llm.nextLine(request(turn))).toMatchObject({
        fallback: true,
        fallbackReason: 'SYNTH_LLM_NONSENSE',
      });
    expect(llm.breakerState).toBe('closed');
  });

  it('reads the end tag as a natural end and strips it from the spoken line', async () => {
    const server = await fakeModelServer();
    server.respond(completion("That's everything, thanks so much. Goodbye! [END:resolved]"));
    const { llm } = provider(server);
    expect(await llm.nextLine(request())).toMatchObject({
      text: "That's everything, thanks so much. Goodbye!",
      end: 'resolved',
      fallback: false,
    });
  });

  it('greets with the agent persona introduction without calling the model', async () => {
    const server = await fakeModelServer();
    const { llm } = provider(server);
    const line = await llm.nextLine({ ...request(0), role: 'agent', history: [] });
    expect(line.text).toContain('Renee');
    expect(server.requests).toHaveLength(0);
  });
});

describe('openai provider in the engine', () => {
  it('adds each line tokens to the call state and labels a failed line as a fallback reply', async () => {
    const server = await fakeModelServer();
    server.respond(
      completion('Hi, this is Dana. I was charged twice.', { prompt_tokens: 100, completion_tokens: 20 }),
      status(400),
    );
    const { llm } = provider(server);
    const bus = new MemoryEventBus();
    const replies: ReplyReady[] = [];
    await bus.subscribe({
      topic: TOPICS.replies,
      group: 't',
      handler: async (e) => void replies.push(e.value),
    });
    const engine = new ConversationEngine({
      bus,
      store: new MemoryStateStore(),
      provider: llm,
      personas: set,
      now: () => 0,
      logger: createLogger({
        service: 't',
        version: 't',
        destination: new Writable({ write: (_c, _e, d) => d() }),
      }),
    });
    await engine.start();
    const customer = set.customers[0] as CustomerPersona;
    const agent = set.agents[0] as AgentPersona;
    await bus.publish(TOPICS.calls, 'call-1', {
      eventId: 'p',
      callId: 'call-1',
      requestId: 'r',
      plannedAt: new Date(0),
      customer: { id: customer.id, name: customer.name, voice: 'woman', language: 'en-US' },
      agent: { id: agent.id, name: agent.name, voice: 'man', language: 'en-US' },
      scenario: context.scenario,
      strategy: 'matched',
      pairingScore: 1,
      expectedOutcome: 'resolved',
      seed: 's',
      mode: 'simulated',
      maxTurns: 24,
      twilio: { conferenceName: 'c', conferenceSid: null, agentCallSid: null, customerCallSid: null },
    });
    await bus.idle();
    const heard = (role: 'agent' | 'customer', turn: number, text: string) => ({
      eventId: `call-1:heard:${role}:${turn}`,
      callId: 'call-1',
      role,
      turn,
      text,
      confidence: 0.9,
      callSid: 'CA1',
      heardAt: new Date(0),
    });
    await bus.publish(TOPICS.utterances, 'call-1', heard('customer', 0, replies[0]?.text ?? ''));
    await bus.idle();
    expect(engine.state('call-1')?.tokensUsed).toBe(120);
    await bus.publish(
      TOPICS.utterances,
      'call-1',
      heard('agent', 1, 'Hi, this is Dana. I was charged twice.'),
    );
    await bus.idle();
    expect(replies.at(-1)).toMatchObject({ role: 'agent', turn: 2, fallback: true, endCall: false });
    expect(engine.state('call-1')).toMatchObject({ tokensUsed: 120, fallbackTurns: 1 });
    await engine.stop();
  });
});
