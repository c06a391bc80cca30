import { randomUUID } from 'node:crypto';
import { KafkaEventBus } from '@synthcall/event-bus';
import { INDUSTRIES } from '@synthcall/personas';
import {
  type CallMode,
  ConfluentSchemaRegistry,
  EventCodec,
  type PairingStrategy,
  requestIdProblem,
  TOPICS,
} from '@synthcall/schemas';

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
}

/** Publishes CallRequested messages through the same Kafka adapter and registry codec the services use. */
export async function requestCalls(o: RequestOptions): Promise<Array<{ requestId: string; count: number }>> {
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
  const bus = new KafkaEventBus({
    brokers: o.brokers,
    clientId: 'synthcall-cli',
    codec: new EventCodec(new ConfluentSchemaRegistry({ url: o.registryUrl })),
    kafkaConfig: { retry: { retries: 2 }, connectionTimeout: 3000 },
  });
  const sent: Array<{ requestId: string; count: number }> = [];
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
      sent.push({ requestId, count: o.calls });
    }
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
  return sent;
}
