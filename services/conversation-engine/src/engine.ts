import { type EventBus, PermanentError, type Subscription } from '@synthcall/event-bus';
import { callLogger, type Logger } from '@synthcall/logging';
import { type PersonaSet, withPlannedIssue } from '@synthcall/personas';
import {
  type CallLifecycle,
  type CallPlanned,
  type ConversationState,
  MIN_MAX_TURNS,
  type ReplyReady,
  SPOKEN_HEADER,
  TOPICS,
  type TopicBinding,
  type UtteranceHeard,
} from '@synthcall/schemas';
import {
  type CallState,
  classifyHeard,
  type EndLimits,
  newCall,
  withGatewayFallback,
  withHeard,
} from './domain/conversation.js';
import { parseDirectorState, recordRespoken } from './domain/director/director.js';
import { groundTruthRecord } from './domain/director/ground-truth.js';
import type { JsonValue, LlmProvider } from './domain/llm-provider.js';
import { type GroundTruth, scriptedGroundTruth } from './domain/scripted/planner.js';
import type { StateStore } from './domain/state-store.js';
import { produceTurn } from './domain/turn.js';
import type { CallContext, CallEnd, Role } from './domain/types.js';
import { type EngineMetrics, noopEngineMetrics } from './engine-metrics.js';
import { fromRecord } from './state-codec.js';

export interface EngineTopics {
  calls: TopicBinding<'CallPlanned'>;
  utterances: TopicBinding<'UtteranceHeard'>;
  replies: TopicBinding<'ReplyReady'>;
  callEvents: TopicBinding<'CallLifecycle'>;
  groundTruth: TopicBinding<'GroundTruthRecorded'>;
}

export const DEFAULT_ENGINE_TOPICS: EngineTopics = {
  calls: TOPICS.calls,
  utterances: TOPICS.utterances,
  replies: TOPICS.replies,
  callEvents: TOPICS.callEvents,
  groundTruth: TOPICS.groundTruth,
};

export interface EngineDeps {
  bus: EventBus;
  store: StateStore;
  provider: LlmProvider;
  personas: PersonaSet;
  now: () => number;
  logger: Logger;
  metrics?: EngineMetrics;
  topics?: Partial<EngineTopics>;
  /** Consumer group prefix; the engine uses one group per topic under it. */
  group?: string;
  /** The end-of-call limits (a run of fallback lines); conversation.ts's defaults otherwise. */
  limits?: EndLimits;
}

/** Ground truth of one call, as the dataset's labels file wants it. */
export interface CallLabels {
  callId: string;
  scenario: CallState['meta']['scenario'];
  expectedOutcome: string;
  intendedOutcome: GroundTruth['intendedOutcome'] | null;
  demeanorTrajectory: GroundTruth['demeanorTrajectory'];
  pii: GroundTruth['pii'];
  endReason: CallEnd['reason'] | null;
  endedBy: Role | null;
  turnCount: number;
  fallbackTurns: number;
  tokensUsed: number;
}

/** The labels of a call from its state: the director's intended outcome and demeanor trajectory, and spoken PII. */
export function labelsOf(state: CallState): CallLabels {
  const truth = scriptedGroundTruth(state.director);
  return {
    callId: state.callId,
    scenario: state.meta.scenario,
    expectedOutcome: state.meta.expectedOutcome,
    intendedOutcome: truth?.intendedOutcome ?? null,
    demeanorTrajectory: truth?.demeanorTrajectory ?? [],
    pii: truth?.pii ?? [],
    endReason: state.end?.reason ?? null,
    endedBy: state.end?.endedBy ?? null,
    turnCount: state.turn + 1,
    fallbackTurns: state.fallbackTurns,
    tokensUsed: state.tokensUsed,
  };
}

/** The labels of a call from a `conversation-state` record (what a sink sees on the topic), without the envelope. */
export function labelsFromRecord(record: ConversationState): CallLabels {
  return labelsOf(fromRecord(record));
}

/**
 * The conversation engine: CallPlanned → greeting, UtteranceHeard → the hearing role's next line, gateway fallback
 * ReplyReady → histories corrected. Every change of a call is written to the state store after its reply is
 * published (at-least-once: a crash in between repeats a reply for the same key, which the gateway deduplicates).
 */
export class ConversationEngine {
  private readonly topics: EngineTopics;
  private readonly metrics: EngineMetrics;
  private readonly locks = new Map<string, Promise<void>>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly deps: EngineDeps) {
    this.topics = { ...DEFAULT_ENGINE_TOPICS, ...deps.topics };
    this.metrics = deps.metrics ?? noopEngineMetrics;
  }

  /** Rebuilds state from the store, then subscribes: no traffic is taken before the changelog is read. */
  async start(): Promise<void> {
    await this.deps.store.load();
    this.metrics.activeCalls(this.deps.store.active().length);
    const group = this.deps.group ?? 'conversation-engine';
    const retry = { attempts: 3, initialBackoffMs: 50, maxBackoffMs: 1_000 };
    this.subscriptions.push(
      await this.deps.bus.subscribe({
        topic: this.topics.calls,
        group: `${group}-calls`,
        handler: async ({ value }) => this.onCallPlanned(value),
        retry,
      }),
      await this.deps.bus.subscribe({
        topic: this.topics.utterances,
        group: `${group}-utterances`,
        handler: async ({ value }) => this.onUtteranceHeard(value),
        retry,
      }),
      await this.deps.bus.subscribe({
        topic: this.topics.replies,
        group: `${group}-replies`,
        // Only a fallback a gateway handed to a leg (its spoken record) replaces the engine's line: a candidate it
        // published and then did not speak (the engine's line came first, the leg hung up) was never heard.
        handler: async ({ value, headers }) => {
          if (headers[SPOKEN_HEADER] === 'true') await this.onReplyReady(value);
        },
        retry,
      }),
    );
  }

  /** Stops intake and lets in-flight handlers finish. */
  async stop(): Promise<void> {
    const subs = this.subscriptions.splice(0);
    await Promise.all(subs.map((s) => s.close()));
    await Promise.all(this.locks.values());
  }

  state(callId: string): CallState | undefined {
    return this.deps.store.get(callId);
  }

  labels(callId: string): CallLabels | null {
    const state = this.deps.store.get(callId);
    return state ? labelsOf(state) : null;
  }

  /** Serialises every change of one call: its events arrive on three topics, handled concurrently. */
  private exclusive(callId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(callId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => {});
    this.locks.set(callId, tail);
    void tail.then(() => {
      if (this.locks.get(callId) === tail) this.locks.delete(callId);
    });
    return run;
  }

  private contextFor(
    callId: string,
    customerId: string,
    agentId: string,
    rest: Pick<CallContext, 'seed' | 'maxTurns' | 'scenario' | 'expectedOutcome'>,
  ): CallContext {
    const customer = this.deps.personas.customers.find((c) => c.id === customerId);
    const agent = this.deps.personas.agents.find((a) => a.id === agentId);
    if (!customer || !agent)
      throw new PermanentError(
        'SYNTH_PERSONA_UNKNOWN',
        `call ${callId} names persona ${customer ? agentId : customerId}, which the loaded persona set does not have`,
      );
    // The persona calls about the issue the plan names, which may be another of its industry's (personas' drawIssue).
    return {
      callId,
      customer: withPlannedIssue(customer, this.deps.personas.customers, rest.scenario),
      agent,
      ...rest,
    };
  }

  private context(state: CallState): CallContext {
    return this.contextFor(state.callId, state.customerId, state.agentId, {
      seed: state.seed,
      maxTurns: state.maxTurns,
      scenario: state.meta.scenario,
      expectedOutcome: state.meta.expectedOutcome,
    });
  }

  async onCallPlanned(planned: CallPlanned): Promise<void> {
    await this.exclusive(planned.callId, async () => {
      // Redelivered: the greeting was already produced, or the call is over and long since dropped from memory.
      if (this.deps.store.get(planned.callId) || this.deps.store.forgotten(planned.callId)) return;
      if (planned.maxTurns < MIN_MAX_TURNS)
        throw new PermanentError(
          'SYNTH_PLAN_INVALID',
          `call ${planned.callId} is planned with maxTurns ${planned.maxTurns}; a call needs at least ${MIN_MAX_TURNS} (a greeting and a reply)`,
        );
      const started = this.deps.now();
      const context = this.contextFor(planned.callId, planned.customer.id, planned.agent.id, {
        seed: planned.seed,
        maxTurns: planned.maxTurns,
        scenario: planned.scenario,
        expectedOutcome: planned.expectedOutcome,
      });
      const state = newCall(
        context,
        {
          scenario: planned.scenario,
          expectedOutcome: planned.expectedOutcome,
          voices: {
            agent: { voice: planned.agent.voice, language: planned.agent.language },
            customer: { voice: planned.customer.voice, language: planned.customer.language },
          },
        },
        started,
      );
      await this.produce(state, context, 'agent', 0, started);
    });
  }

  async onUtteranceHeard(heard: UtteranceHeard): Promise<void> {
    await this.exclusive(heard.callId, async () => {
      const log = callLogger(this.deps.logger, heard.callId);
      // Another replica (the one a rolling restart is stopping) may have moved the call on before a rebalance handed
      // it here: the store reads the changelog up to now unless this instance wrote the call's last state itself and
      // the utterance is the one that state waits for.
      await this.deps.store.catchUp(
        heard.callId,
        (s) => classifyHeard(s, heard.role, heard.turn) !== 'not_next',
      );
      const state = this.deps.store.get(heard.callId);
      if (!state && this.deps.store.forgotten(heard.callId)) {
        log.info(
          { role: heard.role, turn: heard.turn },
          'utterance of a call that ended long ago: not answered',
        );
        return;
      }
      if (!state)
        throw new EngineError(
          'SYNTH_CALL_UNKNOWN',
          `utterance for call ${heard.callId}, which was never planned here`,
        );
      const decision = classifyHeard(state, heard.role, heard.turn);
      // An ended call whose ground truth never went out (the publish failed after the end was stored): this
      // redelivery is the only event left that can still publish it.
      if (decision === 'after_end' && state.end) {
        const context = this.context(state);
        if (parseDirectorState(state.director, context).truthVersion === undefined)
          await this.publishGroundTruth(state, context);
      }
      if (decision !== 'reply') {
        log[decision === 'not_next' ? 'warn' : 'info'](
          { role: heard.role, turn: heard.turn, lastTurn: state.turn, decision },
          'utterance not answered',
        );
        return;
      }
      const started = this.deps.now();
      const next = withHeard(state, heard.role, heard.turn, heard.text, started);
      await this.produce(next, this.context(next), heard.role, heard.turn + 1, started);
    });
  }

  async onReplyReady(reply: ReplyReady): Promise<void> {
    if (!reply.fallback) return; // our own replies come back here too; only the gateway's fallbacks matter
    await this.exclusive(reply.callId, async () => {
      await this.deps.store.catchUp(reply.callId);
      const state = this.deps.store.get(reply.callId);
      if (!state) return;
      const changed = withGatewayFallback(state, reply.role, reply.turn, reply.text, this.deps.now());
      if (!changed) return;
      const context = this.context(changed);
      // The words heard were the gateway's: the labels of that turn follow them (a pending fallback is recorded
      // when the engine's own line for the turn arrives).
      const spoken = changed.histories[reply.role].some(
        (m) => m.role === 'assistant' && m.turn === reply.turn,
      );
      const next: CallState = spoken
        ? {
            ...changed,
            director: recordRespoken(
              parseDirectorState(changed.director, context),
              context,
              reply.role,
              reply.turn,
              reply.text,
            ) as unknown as JsonValue,
          }
        : changed;
      await this.deps.store.put(next);
      if (next.fallbackTurns > state.fallbackTurns) this.metrics.fallbackTurn();
      callLogger(this.deps.logger, reply.callId).info(
        { role: reply.role, turn: reply.turn },
        'gateway fallback recorded',
      );
      // A call whose ground truth is out already is recorded again, so the labels match what was heard.
      if (next.status === 'ended' && spoken) await this.publishGroundTruth(next, context);
    });
  }

  private async publishGroundTruth(state: CallState, context: CallContext): Promise<void> {
    const director = parseDirectorState(state.director, context);
    const version = (director.truthVersion ?? 0) + 1;
    await this.deps.bus.publish(
      this.topics.groundTruth,
      state.callId,
      groundTruthRecord(state, context, this.deps.provider, version, this.deps.now()),
    );
    // A new state version: a changelog rebuilt after a restart keeps the first record of a version, and would lose
    // truthVersion (the next record of the call would then reuse version 1).
    await this.deps.store.put({
      ...state,
      version: state.version + 1,
      updatedAt: this.deps.now(),
      director: { ...director, truthVersion: version } as unknown as JsonValue,
    });
  }

  private async produce(state: CallState, context: CallContext, role: Role, turn: number, started: number) {
    const applied = await produceTurn({
      state,
      context,
      role,
      turn,
      provider: this.deps.provider,
      now: this.deps.now,
      ...(this.deps.limits ? { limits: this.deps.limits } : {}),
    });
    if (applied.failure)
      callLogger(this.deps.logger, state.callId).error(
        { err: applied.failure.error, role, turn },
        applied.failure.stage === 'provider'
          ? 'provider failed; the move is spoken in its own words'
          : 'director failed; ending the call',
      );
    if (applied.result) this.metrics.lineRealized(applied.realizedBy, applied.result.templateReason);
    const now = this.deps.now();
    const voice = state.meta.voices[role];
    const reply: ReplyReady = {
      eventId: `${state.callId}:reply:${role}:${turn}`,
      callId: state.callId,
      role,
      turn,
      text: applied.text,
      voice: voice.voice,
      language: voice.language,
      endCall: applied.end !== null,
      endReason: applied.end?.reason ?? null,
      endedBy: applied.end?.endedBy ?? null,
      fallback: applied.fallback,
      producedAt: new Date(now),
      pauseSec: applied.move?.pauseSec ?? null,
      cutInAfterSec: applied.move?.cutInAfterSec ?? null,
    };
    await this.deps.bus.publish(this.topics.replies, state.callId, reply);
    await this.deps.store.put(applied.state);
    this.metrics.turnDuration(Math.max(0, now - started) / 1000);
    if (applied.fallback) this.metrics.fallbackTurn();
    const log = callLogger(this.deps.logger, state.callId);
    if (applied.verdict && !applied.verdict.ok)
      log.warn(
        { rule: applied.verdict.rule, detail: applied.verdict.detail, turn },
        'quality gate ended the call',
      );
    if (turn === 0 || applied.end) this.metrics.activeCalls(this.deps.store.active().length);
    if (applied.end) {
      const ended: CallLifecycle = {
        eventId: `${state.callId}:call_ended`,
        callId: state.callId,
        type: 'call_ended',
        occurredAt: new Date(now),
        conferenceSid: null,
        callSid: null,
        role: applied.end.endedBy,
        sequenceNumber: null,
        callStatus: null,
        durationSec: null,
        endReason: applied.end.reason,
        endedBy: applied.end.endedBy,
        detail:
          applied.verdict && !applied.verdict.ok
            ? `${applied.verdict.rule}: ${applied.verdict.detail}`
            : null,
      };
      await this.deps.bus.publish(this.topics.callEvents, state.callId, ended);
      await this.publishGroundTruth(applied.state, context);
      this.metrics.callEnded(applied.end.reason, applied.end.endedBy);
      log.info({ endReason: applied.end.reason, endedBy: applied.end.endedBy, turn }, 'call ended');
    }
  }
}

export type EngineErrorCode = 'SYNTH_CALL_UNKNOWN';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
