import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import {
  type AgentPersona,
  type CustomerPersona,
  defaultPersonas,
  fillPlaceholders,
} from '@synthcall/personas';
import type {
  CallLifecycle,
  CallPlanned,
  GroundTruthRecorded,
  ReplyReady,
  UtteranceHeard,
} from '@synthcall/schemas';
import { SPOKEN_HEADER, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { BusChangelogStateStore } from './adapters/bus-changelog-state-store.js';
import { MemoryStateStore } from './adapters/memory-state-store.js';
import { ScriptedLlmProvider } from './adapters/scripted-llm-provider.js';
import type { LineRequest, LineResult, LlmProvider } from './domain/llm-provider.js';
import type { StateStore } from './domain/state-store.js';
import type { Role } from './domain/types.js';
import { ConversationEngine, labelsFromRecord } from './engine.js';
import { toRecord } from './state-codec.js';

/** The header a gateway puts on the record of a line it handed to a leg. */
const SPOKEN = { [SPOKEN_HEADER]: 'true' };

const personas = defaultPersonas();
const customer = personas.customers[0] as CustomerPersona;
const agent = personas.agents[0] as AgentPersona;
const silent = createLogger({
  service: 'test',
  version: 'test',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

/** A provider that speaks whatever the test scripted for (role, turn), or a distinct plain line. */
class LinesProvider implements LlmProvider {
  readonly name = 'lines';
  readonly model = null;
  readonly requests: LineRequest[] = [];
  constructor(private readonly lines: Partial<Record<string, string>> = {}) {}
  async nextLine(request: LineRequest): Promise<LineResult> {
    this.requests.push(request);
    const text =
      this.lines[`${request.role}:${request.turn}`] ??
      `${request.role} line ${request.turn}: ${['billing', 'router', 'refund', 'meter', 'booking', 'policy', 'parcel', 'claim', 'statement', 'card', 'plan', 'visit'][request.turn % 12]} details number ${request.turn * 7}`;
    return { text, realizedBy: 'model', usage: { prompt: 0, completion: 0 }, requests: 1 };
  }
}

interface Harness {
  bus: MemoryEventBus;
  engine: ConversationEngine;
  replies: ReplyReady[];
  ended: CallLifecycle[];
  plan(overrides?: Partial<CallPlanned>): Promise<CallPlanned>;
  hear(role: Role, turn: number, text: string): Promise<void>;
  reply(role: Role, turn: number): ReplyReady | undefined;
}

const engines: ConversationEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
});

async function startEngine(bus: MemoryEventBus, store: StateStore, provider: LlmProvider) {
  const engine = new ConversationEngine({
    bus,
    store,
    provider,
    personas,
    now: () => 1_700_000_000_000,
    logger: silent,
  });
  engines.push(engine);
  await engine.start();
  return engine;
}

async function harness(
  provider: LlmProvider = new ScriptedLlmProvider(),
  store?: StateStore,
): Promise<Harness> {
  const bus = new MemoryEventBus();
  const replies: ReplyReady[] = [];
  const ended: CallLifecycle[] = [];
  await bus.subscribe({
    topic: TOPICS.replies,
    group: 'test-replies',
    handler: async (e) => void replies.push(e.value),
  });
  await bus.subscribe({
    topic: TOPICS.callEvents,
    group: 'test-events',
    handler: async (e) => void ended.push(e.value),
  });
  const engine = await startEngine(bus, store ?? new MemoryStateStore(), provider);
  return {
    bus,
    engine,
    replies,
    ended,
    async plan(overrides = {}) {
      const planned = plannedCall(overrides);
      await bus.publish(TOPICS.calls, planned.callId, planned);
      await bus.idle();
      return planned;
    },
    async hear(role, turn, text) {
      await bus.publish(TOPICS.utterances, 'call-1', heard(role, turn, text));
      await bus.idle();
    },
    reply: (role, turn) => replies.find((r) => r.role === role && r.turn === turn && !r.fallback),
  };
}

function plannedCall(overrides: Partial<CallPlanned> = {}): CallPlanned {
  return {
    eventId: 'planned-1',
    callId: 'call-1',
    requestId: 'req-1',
    plannedAt: new Date(1_700_000_000_000),
    customer: { id: customer.id, name: customer.name, voice: 'Polly.Joanna-Neural', language: 'en-US' },
    agent: { id: agent.id, name: agent.name, voice: 'Polly.Stephen-Neural', language: 'en-US' },
    scenario: {
      industry: customer.industry,
      issueCategory: customer.issueCategory,
      issueComplexity: customer.issueComplexity,
      demeanor: customer.demeanor,
      summary: customer.issue,
    },
    strategy: 'matched',
    pairingScore: 0.9,
    expectedOutcome: 'resolved',
    seed: 'seed-1',
    mode: 'simulated',
    maxTurns: 24,
    twilio: {
      conferenceName: 'synthcall-call-1',
      conferenceSid: null,
      agentCallSid: null,
      customerCallSid: null,
    },
    ...overrides,
  };
}

function heard(role: Role, turn: number, text: string): UtteranceHeard {
  return {
    eventId: `call-1:heard:${role}:${turn}`,
    callId: 'call-1',
    role,
    turn,
    text,
    confidence: text ? 0.9 : null,
    callSid: role === 'agent' ? 'CA-agent' : 'CA-customer',
    heardAt: new Date(1_700_000_000_000),
  };
}

/** Plays the call as a perfect gateway would: each reply is heard, unchanged, by the other leg. */
async function playOut(h: Harness, maxTurns: number): Promise<void> {
  for (let turn = 0; turn < maxTurns + 2; turn++) {
    const role: Role = turn % 2 === 0 ? 'agent' : 'customer';
    const line = h.reply(role, turn);
    if (!line || line.endCall) return;
    await h.hear(role === 'agent' ? 'customer' : 'agent', turn, line.text);
  }
}

describe('conversation engine', () => {
  it('answers CallPlanned with the greeting as ReplyReady turn 0, in the agent persona own introduction', async () => {
    const h = await harness();
    await h.plan();
    expect(h.replies).toHaveLength(1);
    expect(h.replies[0]).toMatchObject({
      eventId: 'call-1:reply:agent:0',
      role: 'agent',
      turn: 0,
      text: fillPlaceholders(agent.scriptedIntroduction, { company: customer.company ?? '' }),
      voice: 'Polly.Stephen-Neural',
      endCall: false,
    });
  });

  it('answers an UtteranceHeard with ReplyReady turn + 1 for the role that heard it', async () => {
    const h = await harness();
    await h.plan();
    await h.hear('customer', 0, h.reply('agent', 0)?.text ?? '');
    expect(h.replies.at(-1)).toMatchObject({ role: 'customer', turn: 1, voice: 'Polly.Joanna-Neural' });
    await h.hear('agent', 1, h.reply('customer', 1)?.text ?? '');
    expect(h.replies.at(-1)).toMatchObject({ role: 'agent', turn: 2 });
  });

  it('keeps one history per role: its own lines as assistant, what it heard as user, one system message', async () => {
    const h = await harness();
    await h.plan();
    await h.hear('customer', 0, 'heard greeting with an asr error');
    await h.hear('agent', 1, 'heard customer line');
    await h.hear('customer', 2, 'heard agent question');
    const state = h.engine.state('call-1');
    const agentSaid = h.replies
      .filter((r) => r.role === 'agent')
      .map((r) => ({ turn: r.turn, content: r.text }));
    const customerSaid = h.replies
      .filter((r) => r.role === 'customer')
      .map((r) => ({ turn: r.turn, content: r.text }));
    const view = (role: Role, kind: string) =>
      state?.histories[role]
        .filter((m) => m.role === kind)
        .map((m) => ({ turn: m.turn, content: m.content }));
    expect(view('agent', 'assistant')).toEqual(agentSaid);
    expect(view('customer', 'assistant')).toEqual(customerSaid);
    expect(view('agent', 'user')).toEqual([{ turn: 1, content: 'heard customer line' }]);
    expect(view('customer', 'user')).toEqual([
      { turn: 0, content: 'heard greeting with an asr error' },
      { turn: 2, content: 'heard agent question' },
    ]);
    expect(state?.histories.agent.filter((m) => m.role === 'system')).toHaveLength(1);
    expect(state?.histories.customer.filter((m) => m.role === 'system')).toHaveLength(1);
  });

  it('answers a duplicate UtteranceHeard with nothing', async () => {
    const h = await harness();
    await h.plan();
    await h.hear('customer', 0, 'hello');
    await h.hear('customer', 0, 'hello');
    await h.hear('customer', 0, 'hello again, redelivered');
    expect(h.replies.filter((r) => r.role === 'customer' && r.turn === 1)).toHaveLength(1);
    expect(h.engine.state('call-1')?.turn).toBe(1);
  });

  it('ends the call with max_turns on the line that reaches the cap, publishes call_ended and ignores later utterances', async () => {
    const h = await harness(new LinesProvider());
    await h.plan({ maxTurns: 6 });
    await playOut(h, 6);
    const last = h.replies.at(-1);
    expect(last).toMatchObject({
      turn: 5,
      role: 'customer',
      endCall: true,
      endReason: 'max_turns',
      endedBy: 'customer',
    });
    expect(h.ended).toEqual([
      expect.objectContaining({
        type: 'call_ended',
        endReason: 'max_turns',
        endedBy: 'customer',
        callId: 'call-1',
      }),
    ]);
    await h.hear('agent', 5, last?.text ?? '');
    expect(h.replies).toHaveLength(6);
    expect(h.engine.state('call-1')?.status).toBe('ended');
  });

  it('ends a resolved call on the agent farewell line', async () => {
    // Seed chosen from the planner's intended outcome, not from the run: asserted below before playing.
    const h = await harness();
    const capable = personas.agents.find((a) => a.competence === 5) as AgentPersona;
    const easy = personas.customers.find((c) => c.issueComplexity === 1) as CustomerPersona;
    await h.plan({
      agent: { id: capable.id, name: capable.name, voice: 'Polly.Stephen-Neural', language: 'en-US' },
      customer: { id: easy.id, name: easy.name, voice: 'Polly.Joanna-Neural', language: 'en-US' },
      scenario: { ...plannedCall().scenario, issueComplexity: 1, demeanor: 'calm' },
    });
    await playOut(h, 24);
    const labels = h.engine.labels('call-1');
    expect(labels?.intendedOutcome).toBe('resolved');
    const state = h.engine.state('call-1');
    expect(state && labelsFromRecord(toRecord(state))).toEqual(labels);
    const last = h.replies.at(-1);
    expect(last).toMatchObject({ role: 'agent', endCall: true, endReason: 'resolved', endedBy: 'agent' });
    expect(last?.text).toContain(fillPlaceholders(capable.farewell, { company: easy.company ?? '' }));
  });

  it('ends a call whose customer starts talking like an agent as loop_detected', async () => {
    const h = await harness(
      new LinesProvider({ 'customer:3': 'Thank you for calling, how can I help you today?' }),
    );
    await h.plan();
    await playOut(h, 24);
    expect(h.replies.at(-1)).toMatchObject({
      turn: 3,
      endCall: true,
      endReason: 'loop_detected',
      endedBy: 'customer',
    });
    expect(h.replies.at(-1)?.text).not.toContain('how can I help');
    expect(h.ended[0]).toMatchObject({
      endReason: 'loop_detected',
      detail: expect.stringContaining('role_reversal'),
    });
  });

  it('ends a call where the agent keeps hearing nothing as loop_detected', async () => {
    const h = await harness(new LinesProvider());
    await h.plan();
    await h.hear('customer', 0, '');
    await h.hear('agent', 1, '');
    await h.hear('customer', 2, '');
    expect(h.replies.at(-1)).toMatchObject({ turn: 3, endCall: true, endReason: 'loop_detected' });
  });

  it('publishes the ground truth of an ended call from the words spoken, and again when a fallback changes them', async () => {
    const h = await harness();
    const truths: GroundTruthRecorded[] = [];
    await h.bus.subscribe({
      topic: TOPICS.groundTruth,
      group: 'test-truth',
      handler: async (e) => void truths.push(e.value),
    });
    await h.plan();
    for (let turn = 0; turn < 40 && !h.replies.at(-1)?.endCall; turn++) {
      const last = h.replies.at(-1) as ReplyReady;
      await h.hear(last.role === 'agent' ? 'customer' : 'agent', last.turn, last.text);
    }
    expect(h.replies.at(-1)?.endCall).toBe(true);
    expect(truths).toHaveLength(1);
    const first = truths[0] as GroundTruthRecorded;
    expect(first).toMatchObject({
      callId: 'call-1',
      version: 1,
      provider: 'scripted',
      model: null,
      synthetic: true,
    });
    expect(first.turns.map((t) => t.text)).toEqual(h.replies.map((r) => r.text));
    expect(first.turns.every((t) => t.realizedBy === 'template')).toBe(true);
    expect(first.pii.length).toBeGreaterThan(0);
    for (const span of first.pii)
      expect(first.turns[span.turn]?.text.slice(span.start, span.end)).toBe(span.value);
    // The gateway spoke its own line for the customer's first turn (which named the caller): the labels follow it.
    const named = first.pii.find((p) => p.turn === 1);
    expect(named).toBeDefined();
    await h.bus.publish(
      TOPICS.replies,
      'call-1',
      {
        ...(h.reply('customer', 1) as ReplyReady),
        text: 'Sorry, you broke up there. Could you say that again?',
        fallback: true,
      },
      SPOKEN,
    );
    await h.bus.idle();
    expect(truths).toHaveLength(2);
    const second = truths[1] as GroundTruthRecorded;
    expect(second.version).toBe(2);
    expect(second.turns[1]).toMatchObject({
      realizedBy: 'fallback',
      text: 'Sorry, you broke up there. Could you say that again?',
    });
    expect(second.pii.filter((p) => p.turn === 1)).toEqual([]);
  });

  it('replaces a line with the gateway fallback in both histories and counts it', async () => {
    const h = await harness();
    await h.plan();
    await h.hear('customer', 0, 'hello');
    await h.hear('agent', 1, 'what the agent heard');
    const fallback: ReplyReady = {
      ...(h.reply('customer', 1) as ReplyReady),
      text: 'Sorry, the line is bad. Could you repeat that?',
      fallback: true,
    };
    // Published first as a candidate (not spoken yet): nothing changes until the gateway records it as spoken.
    await h.bus.publish(TOPICS.replies, 'call-1', fallback);
    await h.bus.idle();
    expect(h.engine.state('call-1')?.fallbackTurns).toBe(0);
    await h.bus.publish(TOPICS.replies, 'call-1', fallback, SPOKEN);
    await h.bus.idle();
    const state = h.engine.state('call-1');
    expect(state?.histories.customer.find((m) => m.role === 'assistant' && m.turn === 1)?.content).toBe(
      fallback.text,
    );
    expect(state?.histories.agent.find((m) => m.role === 'user' && m.turn === 1)?.content).toBe(
      fallback.text,
    );
    expect(state?.fallbackTurns).toBe(1);
  });

  it('speaks the gateway fallback in place of a line the engine produced too late', async () => {
    const h = await harness();
    await h.plan();
    const fallback: ReplyReady = {
      eventId: 'call-1:reply:customer:1',
      callId: 'call-1',
      role: 'customer',
      turn: 1,
      text: 'Hello? Sorry, could you repeat that?',
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      endCall: false,
      endReason: null,
      endedBy: null,
      fallback: true,
      producedAt: new Date(0),
      pauseSec: null,
      cutInAfterSec: null,
    };
    await h.bus.publish(TOPICS.replies, 'call-1', fallback, SPOKEN);
    await h.bus.idle();
    await h.hear('customer', 0, 'hello');
    const state = h.engine.state('call-1');
    expect(state?.histories.customer.find((m) => m.role === 'assistant' && m.turn === 1)?.content).toBe(
      fallback.text,
    );
    expect(state?.fallbackTurns).toBe(1);
    expect(state?.meta.pendingFallbacks).toEqual({});
  });

  it('continues a call after a restart from the changelog: next turn number, same histories', async () => {
    const bus = new MemoryEventBus();
    const replies: ReplyReady[] = [];
    await bus.subscribe({
      topic: TOPICS.replies,
      group: 'test',
      handler: async (e) => void replies.push(e.value),
    });
    const first = await startEngine(bus, new BusChangelogStateStore({ bus }), new ScriptedLlmProvider());
    await bus.publish(TOPICS.calls, 'call-1', plannedCall());
    await bus.idle();
    await bus.publish(TOPICS.utterances, 'call-1', heard('customer', 0, 'greeting as heard'));
    await bus.idle();
    const before = first.state('call-1');
    await first.stop();
    engines.splice(engines.indexOf(first), 1);

    const second = await startEngine(bus, new BusChangelogStateStore({ bus }), new ScriptedLlmProvider());
    expect(second.state('call-1')).toEqual(before);
    await bus.publish(TOPICS.utterances, 'call-1', heard('agent', 1, 'customer line as heard'));
    await bus.idle();
    expect(replies.map((r) => [r.role, r.turn])).toEqual([
      ['agent', 0],
      ['customer', 1],
      ['agent', 2],
    ]);
    const after = second.state('call-1');
    expect(after?.turn).toBe(2);
    expect(after?.histories.customer).toEqual(before?.histories.customer);
    expect(after?.histories.agent.slice(0, before?.histories.agent.length)).toEqual(before?.histories.agent);
  });

  it('re-records the ground truth of an ended call at a higher version after a restart, never reusing a version', async () => {
    const bus = new MemoryEventBus();
    const replies: ReplyReady[] = [];
    const truths: GroundTruthRecorded[] = [];
    await bus.subscribe({
      topic: TOPICS.replies,
      group: 'test',
      handler: async (e) => void replies.push(e.value),
    });
    await bus.subscribe({
      topic: TOPICS.groundTruth,
      group: 'test-truth',
      handler: async (e) => void truths.push(e.value),
    });
    const first = await startEngine(bus, new BusChangelogStateStore({ bus }), new ScriptedLlmProvider());
    await bus.publish(TOPICS.calls, 'call-1', plannedCall());
    await bus.idle();
    for (let i = 0; i < 40 && !replies.at(-1)?.endCall; i++) {
      const last = replies.at(-1) as ReplyReady;
      await bus.publish(
        TOPICS.utterances,
        'call-1',
        heard(last.role === 'agent' ? 'customer' : 'agent', last.turn, last.text),
      );
      await bus.idle();
    }
    expect(truths.map((t) => t.version)).toEqual([1]);
    await first.stop();
    engines.splice(engines.indexOf(first), 1);

    const second = await startEngine(bus, new BusChangelogStateStore({ bus }), new ScriptedLlmProvider());
    const customerLine = replies.find((r) => r.role === 'customer' && r.turn === 1) as ReplyReady;
    await bus.publish(
      TOPICS.replies,
      'call-1',
      {
        ...customerLine,
        text: 'Sorry, you broke up there. Could you say that again?',
        fallback: true,
      },
      SPOKEN,
    );
    await bus.idle();
    expect(second.state('call-1')?.status).toBe('ended');
    expect(truths.map((t) => t.version)).toEqual([1, 2]);
    expect(new Set(truths.map((t) => t.eventId)).size).toBe(2);
  });

  it('ignores a replayed plan or utterance of an ended call it has dropped from memory: no second call, no dead letter', async () => {
    const bus = new MemoryEventBus();
    const replies: ReplyReady[] = [];
    await bus.subscribe({
      topic: TOPICS.replies,
      group: 'test',
      handler: async (e) => void replies.push(e.value),
    });
    const engine = await startEngine(
      bus,
      new BusChangelogStateStore({ bus, retainEnded: 1 }),
      new ScriptedLlmProvider(),
    );
    const runToEnd = async (callId: string) => {
      const mine = () => replies.filter((r) => r.callId === callId);
      await bus.publish(TOPICS.calls, callId, plannedCall({ callId, eventId: `planned-${callId}` }));
      await bus.idle();
      for (let i = 0; i < 60 && !mine().at(-1)?.endCall; i++) {
        const last = mine().at(-1) as ReplyReady;
        const role = last.role === 'agent' ? 'customer' : 'agent';
        const utterance = {
          ...heard(role, last.turn, last.text),
          callId,
          eventId: `${callId}:${role}:${last.turn}`,
        };
        await bus.publish(TOPICS.utterances, callId, utterance);
        await bus.idle();
      }
      expect(mine().at(-1)?.endCall).toBe(true);
      return mine().length;
    };
    const linesOfCall1 = await runToEnd('call-1');
    await runToEnd('call-2');
    // One ended call is held: call-1 is dropped from memory.
    expect(engine.state('call-1')).toBeUndefined();

    await bus.publish(TOPICS.calls, 'call-1', plannedCall());
    await bus.publish(TOPICS.utterances, 'call-1', heard('customer', 0, 'a replayed greeting'));
    await bus.idle();
    expect(replies.filter((r) => r.callId === 'call-1')).toHaveLength(linesOfCall1);
    expect(engine.state('call-1')).toBeUndefined();
    expect(bus.messages(TOPICS.deadLetters.name)).toEqual([]);
  });

  it('publishes the ground truth of a call whose first attempt failed after the end was stored, when the utterance is redelivered', async () => {
    const bus = new MemoryEventBus();
    const truths: GroundTruthRecorded[] = [];
    await bus.subscribe({
      topic: TOPICS.groundTruth,
      group: 'test-truth',
      handler: async (e) => void truths.push(e.value),
    });
    const replies: ReplyReady[] = [];
    await bus.subscribe({
      topic: TOPICS.replies,
      group: 'test',
      handler: async (e) => void replies.push(e.value),
    });
    let failTruth = true;
    const flaky = new Proxy(bus, {
      get(target, prop, receiver) {
        if (prop === 'publish')
          return async (...args: Parameters<MemoryEventBus['publish']>) => {
            if (args[0].name === TOPICS.groundTruth.name && failTruth) {
              failTruth = false;
              throw new Error('broker unavailable');
            }
            return target.publish(...args);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
    const engine = new ConversationEngine({
      bus: flaky,
      store: new MemoryStateStore(),
      provider: new ScriptedLlmProvider(),
      personas,
      now: () => 1_700_000_000_000,
      logger: silent,
    });
    engines.push(engine);
    await engine.start();
    await bus.publish(TOPICS.calls, 'call-1', plannedCall());
    await bus.idle();
    for (let i = 0; i < 40 && !replies.at(-1)?.endCall; i++) {
      const last = replies.at(-1) as ReplyReady;
      await bus.publish(
        TOPICS.utterances,
        'call-1',
        heard(last.role === 'agent' ? 'customer' : 'agent', last.turn, last.text),
      );
      await bus.idle();
    }
    expect(replies.at(-1)?.endCall).toBe(true);
    expect(failTruth).toBe(false);
    expect(truths.map((t) => t.version)).toEqual([1]);
  });

  it('refuses a CallPlanned whose maxTurns leaves no room for a greeting and a reply by dead-lettering it', async () => {
    // The orchestrator refuses such requests; a plan from elsewhere would end the call on its greeting, unspoken.
    const h = await harness();
    await h.plan({ maxTurns: 1 });
    expect(h.replies).toHaveLength(0);
    const letters = h.bus.messages(TOPICS.deadLetters.name);
    expect(letters).toHaveLength(1);
    // The dead letter carries the code and the reason (its Avro value holds them as plain UTF-8).
    expect(String(letters[0]?.value)).toMatch(/SYNTH_PLAN_INVALID[\s\S]*maxTurns 1; a call needs at least 2/);
  });

  it('refuses a CallPlanned naming a persona it does not have by dead-lettering it', async () => {
    const h = await harness();
    await h.plan({ customer: { id: 'cust-nobody', name: 'Nobody', voice: 'woman', language: 'en-US' } });
    expect(h.replies).toHaveLength(0);
    expect(h.bus.messages(TOPICS.deadLetters.name)).toHaveLength(1);
  });
});
