import { type EventBus, PermanentError, type Subscription } from '@synthcall/event-bus';
import { callLogger, type Logger } from '@synthcall/logging';
import {
  type AgentPersona,
  type CustomerPersona,
  drawIssue,
  firstSentence,
  type PersonaSet,
} from '@synthcall/personas';
import {
  type CallLifecycle,
  type CallMode,
  type CallPlanned,
  type CallRequested,
  MIN_MAX_TURNS,
  type PersonaRef,
  requestIdProblem,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import {
  type ConferenceSettings,
  callIdFor,
  conferenceNameFor,
  planConference,
} from './domain/conference-plan.js';
import { filterAgents, filterCustomers } from './domain/filters.js';
import { type Pairing, planPairings } from './domain/pairing.js';
import type { CallBudget, Clock, Telephony } from './domain/ports.js';
import { type Random, seededRandom } from './domain/random.js';
import { ConcurrencyGate, CpsLimiter, type Sleep } from './limits.js';
import type { OrchestratorMetrics } from './metrics.js';

export interface OrchestratorTopics {
  requests: TopicBinding<'CallRequested'>;
  calls: TopicBinding<'CallPlanned'>;
  callEvents: TopicBinding<'CallLifecycle'>;
}

export interface OrchestratorDeps {
  bus: EventBus;
  personas: PersonaSet;
  telephony: Telephony;
  budget: CallBudget;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  metrics: OrchestratorMetrics;
  conference: ConferenceSettings;
  /**
   * What this orchestrator's telephony is: `simulated` (twilio-sim) or `live` (real Twilio). A request for the other
   * mode is refused, so a test request can never place real, billed calls.
   */
  callMode: CallMode;
  /** Twilio calls per second; 0 = no limit. */
  twilioCps: number;
  /** Calls in flight in this process; 0 = no limit. */
  maxConcurrentCalls: number;
  /** A slot whose call sent no end event is taken back after this (0 = never); app.ts: time limit + 60 s. */
  slotLeaseMs?: number;
  /** Names this replica's own consumer group on call-events. */
  instanceId: string;
  /** How long `stop` waits for each subscription to close (default 5 s). */
  stopGraceMs?: number;
  /** The pairing randomness of a request, from its seed. */
  randomFor?: (seed: string) => Random;
  topics?: Partial<OrchestratorTopics>;
  /** Consumer group on call-requests (shared by every replica). */
  group?: string;
  /**
   * A simulated run's clock hold (twilio-sim's `holdClock`): taken while the orchestrator works on a request and
   * released while it waits for a call slot, so the simulated clock never runs on between a request (or a freed
   * slot) and the calls it places. Without it, how fast this process answers decides when calls start.
   */
  holdClock?: () => () => void;
}

/** What became of one request (also logged). */
export interface RequestSummary {
  requestId: string;
  planned: string[];
  failed: string[];
  /** Calls already placed by an earlier delivery of this request. */
  duplicates: string[];
  /** Calls refused by the daily cap. */
  capped: number;
}

/** Pairings are planned up front; this bounds their memory (the daily cap bounds the calls themselves). */
export const MAX_CALLS_PER_REQUEST = 10_000;

/** Lifecycle types after which a call no longer holds a concurrency slot. */
const CALL_OVER: ReadonlySet<CallLifecycle['type']> = new Set([
  'call_ended',
  'conference_ended',
  'call_failed',
]);

/**
 * Turns CallRequested into conferences: pair, claim the daily budget, wait for a concurrency slot, publish
 * CallPlanned, respect Twilio's CPS, create the conference. Idempotent by callId (`<requestId>-<nnnn>`): a
 * redelivered request skips calls it already placed, in this process or (per Twilio's conference list) before.
 */
export class Orchestrator {
  private readonly topics: OrchestratorTopics;
  private readonly gate: ConcurrencyGate;
  private readonly cps: CpsLimiter;
  private readonly randomFor: (seed: string) => Random;
  /** Calls this process placed or gave up on; the fast path of idempotency. */
  private readonly settled = new Set<string>();
  /** Calls a handler is placing right now. */
  private readonly placing = new Set<string>();
  private subscriptions: Subscription[] = [];
  /** Request handlers working right now (not waiting for a slot); the clock is held while any is. */
  private working = 0;
  private releaseClock: (() => void) | undefined;

  constructor(private readonly deps: OrchestratorDeps) {
    this.topics = {
      requests: TOPICS.callRequests,
      calls: TOPICS.calls,
      callEvents: TOPICS.callEvents,
      ...deps.topics,
    };
    this.gate = new ConcurrencyGate({
      max: deps.maxConcurrentCalls,
      leaseMs: deps.slotLeaseMs ?? 0,
      clock: deps.clock,
      sleep: deps.sleep,
      // A handler waiting for a slot is idle; the release that wakes it makes it busy again at once.
      onWait: () => {
        this.leave();
        return () => this.enter();
      },
      onLeaseExpired: (callId) =>
        deps.logger.warn({ callId }, 'no end event for this call within its lease; slot taken back'),
    });
    this.cps = new CpsLimiter(deps.twilioCps, deps.clock, deps.sleep);
    this.randomFor = deps.randomFor ?? seededRandom;
  }

  get callsInFlight(): number {
    return this.gate.inFlight;
  }

  /** Subscribes to call-events first, so slots of calls that end are released even while a request waits. */
  async start(): Promise<void> {
    this.subscriptions.push(
      await this.deps.bus.subscribe({
        topic: this.topics.callEvents,
        // Each replica sees every call's end: a shared group would hand one replica's ends to another.
        group: `orchestrator-slots-${this.deps.instanceId}`,
        ephemeral: true,
        handler: async ({ value }) => this.handleLifecycle(value),
      }),
      await this.deps.bus.subscribe({
        topic: this.topics.requests,
        group: this.deps.group ?? 'orchestrator',
        // A command: a partition the group never committed must be read from its first record, or a request
        // written before this replica joined (or in progress when the last one died) is skipped for good. Calls a
        // re-read request already placed are found on Twilio and skipped (placeCall).
        fromBeginning: true,
        handler: async ({ value }) => {
          await this.handleRequest(value);
        },
      }),
    );
  }

  /**
   * Stops intake. A request still waiting for a slot is parked, not failed: its message stays uncommitted, so Kafka
   * hands it to another replica (or this one after a restart), which skips the calls already placed. Closing a
   * subscription waits for its in-flight handler, so each close gets `stopGraceMs` before we move on.
   */
  async stop(): Promise<void> {
    this.gate.close();
    if (this.gate.waiting > 0) {
      this.deps.logger.warn(
        { waiting: this.gate.waiting },
        'stopping with requests waiting for a call slot; they stay uncommitted and will be redelivered',
      );
    }
    const grace = this.deps.stopGraceMs ?? 5_000;
    for (const subscription of this.subscriptions.splice(0).reverse()) {
      await Promise.race([subscription.close(), this.deps.sleep(grace)]);
    }
  }

  handleLifecycle(event: CallLifecycle): void {
    if (CALL_OVER.has(event.type) && this.gate.release(event.callId)) {
      this.deps.metrics.callsInFlight.set(this.gate.inFlight);
      this.deps.logger.debug({ callId: event.callId, type: event.type }, 'call slot released');
    }
  }

  async handleRequest(request: CallRequested): Promise<RequestSummary> {
    this.enter();
    try {
      return await this.handleRequestHeld(request);
    } finally {
      this.leave();
    }
  }

  private enter(): void {
    if (this.working++ === 0) this.releaseClock = this.deps.holdClock?.();
  }

  /** The hold's real-time bound is per call placed, not per request: a request of many calls keeps the clock still. */
  private renewHold(): void {
    const old = this.releaseClock;
    if (!old || !this.deps.holdClock) return;
    this.releaseClock = this.deps.holdClock();
    old();
  }

  private leave(): void {
    if (--this.working > 0) return;
    const release = this.releaseClock;
    this.releaseClock = undefined;
    release?.();
  }

  private async handleRequestHeld(request: CallRequested): Promise<RequestSummary> {
    const log = this.deps.logger.child({ requestId: request.requestId });
    const pairings = this.pair(request);
    const summary: RequestSummary = {
      requestId: request.requestId,
      planned: [],
      failed: [],
      duplicates: [],
      capped: 0,
    };
    for (const pairing of pairings) {
      const callId = callIdFor(request.requestId, pairing.index);
      const outcome = await this.placeCall(request, pairing, callId);
      this.renewHold();
      if (outcome === 'capped') {
        // Claims are ranked, so once one is refused every later one today is too: stop claiming.
        summary.capped = pairings.length - pairing.index;
        this.deps.metrics.callsRejected.inc({ reason: 'daily_cap' }, summary.capped);
        log.warn(
          { capped: summary.capped, requested: request.count },
          'daily call cap reached; request partially fulfilled',
        );
        break;
      }
      summary[outcome].push(callId);
    }
    log.info(
      {
        strategy: request.strategy,
        requested: request.count,
        planned: summary.planned.length,
        failed: summary.failed.length,
        duplicates: summary.duplicates.length,
        capped: summary.capped,
      },
      'call request handled',
    );
    return summary;
  }

  private pair(request: CallRequested): Pairing[] {
    // The id becomes call ids, file names in the dataset and webhook parameters: checked before anything is placed.
    const idProblem = requestIdProblem(request.requestId);
    if (idProblem) throw new PermanentError('SYNTH_REQUEST_ID_INVALID', idProblem);
    if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_CALLS_PER_REQUEST) {
      throw new PermanentError(
        'SYNTH_REQUEST_INVALID',
        `count must be from 1 to ${MAX_CALLS_PER_REQUEST}, got ${request.count}`,
      );
    }
    if (request.mode !== this.deps.callMode) {
      throw new PermanentError(
        'SYNTH_REQUEST_INVALID',
        `request asks for ${request.mode} calls but this orchestrator places ${this.deps.callMode} calls`,
      );
    }
    if (request.maxTurns < MIN_MAX_TURNS) {
      throw new PermanentError(
        'SYNTH_REQUEST_INVALID',
        `maxTurns must be ${MIN_MAX_TURNS} or more (a call is at least the agent's greeting and a reply), got ${request.maxTurns}`,
      );
    }
    const customers = filterCustomers(this.deps.personas.customers, request.customerFilter);
    if (customers.length === 0) {
      throw new PermanentError(
        'SYNTH_PERSONA_FILTER_EMPTY',
        `customerFilter matches no customer persona: ${JSON.stringify(request.customerFilter)}`,
      );
    }
    const agents = filterAgents(this.deps.personas.agents, request.agentFilter);
    if (agents.length === 0) {
      throw new PermanentError(
        'SYNTH_PERSONA_FILTER_EMPTY',
        `agentFilter matches no agent persona: ${JSON.stringify(request.agentFilter)}`,
      );
    }
    const { minComplexity = null, maxComplexity = null } = request.customerFilter ?? {};
    return planPairings({
      strategy: request.strategy,
      customers,
      agents,
      count: request.count,
      random: this.randomFor(request.seed),
      // A persona calls about any issue of its company's customers that the request's complexity bounds allow.
      issueOf: (customer, random) =>
        drawIssue(
          customer,
          this.deps.personas.customers,
          random,
          (c) =>
            (minComplexity === null || c.issueComplexity >= minComplexity) &&
            (maxComplexity === null || c.issueComplexity <= maxComplexity),
        ),
    });
  }

  private async placeCall(
    request: CallRequested,
    pairing: Pairing,
    callId: string,
  ): Promise<'planned' | 'failed' | 'duplicates' | 'capped'> {
    const duplicate = () => {
      this.deps.metrics.callsRejected.inc({ reason: 'duplicate' });
      callLogger(this.deps.logger, callId).info('call already placed by another delivery; skipped');
      return 'duplicates' as const;
    };
    // Checked and marked before any await: a request redelivered while its first delivery still runs (a Kafka
    // rebalance during a long wait for a slot) must not place the same call twice in this process.
    if (this.settled.has(callId) || this.placing.has(callId)) return duplicate();
    this.placing.add(callId);
    try {
      if (await this.deps.telephony.conferenceExists(conferenceNameFor(callId))) {
        this.settled.add(callId);
        return duplicate();
      }
      return await this.claimAndPlace(request, pairing, callId);
    } finally {
      this.placing.delete(callId);
    }
  }

  private async claimAndPlace(
    request: CallRequested,
    pairing: Pairing,
    callId: string,
  ): Promise<'planned' | 'failed' | 'capped'> {
    const { budget, bus, telephony, clock, metrics } = this.deps;
    const log = callLogger(this.deps.logger, callId);
    const conferenceName = conferenceNameFor(callId);

    const decision = await budget.claim(callId, clock.now());
    if (!decision.granted) return 'capped';

    await this.gate.acquire(callId);
    metrics.callsInFlight.set(this.gate.inFlight);
    const planned = this.plannedEvent(request, pairing, callId, conferenceName);
    // Published before dialling (call-protocol.md) so the engine prepares the greeting while Twilio rings.
    await bus.publish(this.topics.calls, callId, planned);
    metrics.pairingScore.observe({ strategy: request.strategy }, pairing.score);

    try {
      const created = await telephony.createConference(planConference(callId, this.deps.conference), () =>
        this.cps.acquire(),
      );
      this.settled.add(callId);
      metrics.callsStarted.inc({ strategy: request.strategy });
      log.info(
        {
          conferenceSid: created.conferenceSid,
          customer: pairing.customer.id,
          agent: pairing.agent.id,
          score: pairing.score,
          expectedOutcome: pairing.expectedOutcome,
        },
        'conference created',
      );
      return 'planned';
    } catch (error) {
      // Not retried: a half-created conference retried blindly would dial people twice. The call is recorded as
      // failed and the request moves on.
      this.settled.add(callId);
      this.gate.release(callId);
      metrics.callsInFlight.set(this.gate.inFlight);
      metrics.callsRejected.inc({ reason: 'conference_failed' });
      const detail = error instanceof Error ? error.message : String(error);
      log.error({ err: detail }, 'conference creation failed');
      await bus.publish(this.topics.callEvents, callId, {
        eventId: `${callId}:call_failed:orchestrator`,
        callId,
        type: 'call_failed',
        occurredAt: clock.now(),
        conferenceSid: null,
        callSid: null,
        role: null,
        sequenceNumber: null,
        callStatus: 'failed',
        durationSec: null,
        endReason: 'error',
        endedBy: null,
        detail: `conference creation failed: ${detail}`.slice(0, 1000),
      });
      return 'failed';
    }
  }

  private plannedEvent(
    request: CallRequested,
    pairing: Pairing,
    callId: string,
    conferenceName: string,
  ): CallPlanned {
    const { customer, agent } = pairing;
    return {
      eventId: `${callId}:planned`,
      callId,
      requestId: request.requestId,
      plannedAt: this.deps.clock.now(),
      customer: personaRef(customer),
      agent: personaRef(agent),
      scenario: {
        industry: customer.industry,
        issueCategory: customer.issueCategory,
        issueComplexity: customer.issueComplexity,
        demeanor: customer.demeanor,
        // The issue drawn for this call: the engine finds it again from this sentence (personas' withPlannedIssue).
        summary: firstSentence(customer.issue),
      },
      strategy: request.strategy,
      pairingScore: pairing.score,
      expectedOutcome: pairing.expectedOutcome,
      seed: `${request.seed}:${pairing.index}`,
      mode: request.mode,
      maxTurns: request.maxTurns,
      twilio: { conferenceName, conferenceSid: null, agentCallSid: null, customerCallSid: null },
    };
  }
}

function personaRef(persona: CustomerPersona | AgentPersona): PersonaRef {
  return { id: persona.id, name: persona.name, voice: persona.voice, language: persona.language };
}
