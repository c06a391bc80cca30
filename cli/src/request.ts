import { randomUUID } from 'node:crypto';
import { busFromConfig, type EventBus, type Subscription } from '@synthcall/event-bus';
import { INDUSTRIES } from '@synthcall/personas';
import { type CallMode, type PairingStrategy, requestIdProblem, TOPICS } from '@synthcall/schemas';

export interface RequestOptions {
  calls: number;
  seed: string;
  strategy: PairingStrategy;
  maxTurns: number;
  mode: CallMode;
  industries: string[];
  requests: number;
  requestId?: string;
  brokers: string[];
  registryUrl: string;
  /**
   * How long to wait for the orchestrator's verdict on the requests (0: send and return). Only the orchestrator knows
   * what it accepts (its call mode, its personas), so "requested" is said only once it planned a call, and a request
   * it dead-lettered is reported with its reason.
   */
  waitMs?: number;
}

/** What became of one request, as far as the bus shows within the wait. */
export type RequestVerdict =
  | { outcome: 'accepted'; firstCallId: string }
  | { outcome: 'rejected'; code: string; reason: string }
  /** No call planned and no dead letter within the wait: no orchestrator read it yet, or the id was used before. */
  | { outcome: 'unanswered' }
  | { outcome: 'not-waited' };

export interface SentRequest {
  requestId: string;
  count: number;
  verdict: RequestVerdict;
}

/** Publishes CallRequested messages through the same Kafka adapter and registry codec the services use. */
export async function requestCalls(o: RequestOptions): Promise<SentRequest[]> {
  const ids = Array.from({ length: o.requests }, (_, i) =>
    o.requestId ? (o.requests > 1 ? `${o.requestId}-${i}` : o.requestId) : `req-${randomUUID().slice(0, 8)}`,
  );
  // The orchestrator dead-letters these requests; saying so here beats printing "requested".
  for (const id of ids) {
    const problem = requestIdProblem(id);
    if (problem) throw Object.assign(new Error(problem), { code: 'SYNTH_REQUEST_ID_INVALID' });
  }
  const unknown = o.industries.filter((i) => !(INDUSTRIES as readonly string[]).includes(i));
  if (unknown.length > 0) {
    throw Object.assign(
      new Error(
        `no customer persona can have industry ${unknown.map((i) => JSON.stringify(i)).join(', ')}; the industries are ${INDUSTRIES.join(', ')}`,
      ),
      { code: 'SYNTH_REQUEST_INVALID' },
    );
  }
  const bus = busFromConfig(
    { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: o.brokers, SCHEMA_REGISTRY_URL: o.registryUrl },
    { clientId: 'synthcall-cli', kafkaConfig: { retry: { retries: 2 }, connectionTimeout: 3000 } },
  );
  try {
    return await sendRequests(bus, o, ids);
  } catch (cause) {
    throw Object.assign(
      new Error(
        `could not send to Kafka at ${o.brokers.join(',')} (registry ${o.registryUrl}): ${(cause as Error).message}. Is the stack up? (npm run stack:up)`,
        { cause },
      ),
      { code: 'SYNTH_REQUEST_FAILED' },
    );
  } finally {
    await bus.close();
  }
}

/** Sends one CallRequested per id on `bus` and, when `waitMs` > 0, waits for the orchestrator's verdict on each. */
export async function sendRequests(
  bus: EventBus,
  o: Omit<RequestOptions, 'brokers' | 'registryUrl' | 'requestId'>,
  ids: string[],
): Promise<SentRequest[]> {
  const waitMs = o.waitMs ?? 0;
  // Listening starts before the first send, so a verdict cannot come before anyone hears it.
  const verdicts = waitMs > 0 ? await watchVerdicts(bus, ids) : undefined;
  try {
    for (const [i, requestId] of ids.entries()) {
      await bus.publish(TOPICS.callRequests, requestId, {
        requestId,
        requestedAt: new Date(),
        count: o.calls,
        strategy: o.strategy,
        customerFilter:
          o.industries.length > 0
            ? { ids: [], industries: o.industries, minComplexity: null, maxComplexity: null }
            : null,
        agentFilter: null,
        seed: o.requests > 1 ? `${o.seed}-${i}` : o.seed,
        mode: o.mode,
        maxTurns: o.maxTurns,
        requestedBy: 'synthcall request',
      });
    }
    const found = verdicts ? await verdicts.settled(waitMs) : new Map<string, RequestVerdict>();
    return ids.map((requestId) => ({
      requestId,
      count: o.calls,
      verdict: found.get(requestId) ?? { outcome: verdicts ? 'unanswered' : 'not-waited' },
    }));
  } finally {
    await verdicts?.close();
  }
}

/**
 * Follows what the orchestrator does with the given requests: a CallPlanned of one means it was accepted; a dead
 * letter of it from `call-requests` means it was refused, with the consumer's code and reason.
 */
async function watchVerdicts(
  bus: EventBus,
  ids: string[],
): Promise<{ settled(waitMs: number): Promise<Map<string, RequestVerdict>>; close(): Promise<void> }> {
  const pending = new Set(ids);
  const verdicts = new Map<string, RequestVerdict>();
  let allIn = () => {};
  const decide = (requestId: string, verdict: RequestVerdict) => {
    if (!pending.delete(requestId)) return;
    verdicts.set(requestId, verdict);
    if (pending.size === 0) allIn();
  };
  const group = `synthcall-cli-verdicts-${randomUUID().slice(0, 8)}`;
  const subscriptions: Subscription[] = [];
  const close = async () => {
    await Promise.allSettled(subscriptions.splice(0).map((s) => s.close()));
  };
  try {
    subscriptions.push(
      await bus.subscribe({
        topic: TOPICS.calls,
        group: `${group}-calls`,
        ephemeral: true,
        fromBeginning: false,
        handler: async ({ value }) =>
          decide(value.requestId, { outcome: 'accepted', firstCallId: value.callId }),
      }),
      await bus.subscribe({
        topic: TOPICS.deadLetters,
        group: `${group}-dead-letters`,
        ephemeral: true,
        fromBeginning: false,
        handler: async ({ value }) => {
          if (value.originalTopic !== TOPICS.callRequests.name || !value.originalKey) return;
          decide(Buffer.from(value.originalKey).toString('utf8'), {
            outcome: 'rejected',
            code: value.errorCode,
            reason: value.errorMessage,
          });
        },
      }),
    );
  } catch (err) {
    await close();
    throw err;
  }
  const done = new Promise<void>((resolve) => {
    allIn = resolve;
  });
  return {
    async settled(waitMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      return new Map(verdicts);
    },
    close,
  };
}
