import type { ConversationState } from '@synthcall/schemas';
import type { CallMeta, CallState } from './domain/conversation.js';
import type { JsonValue } from './domain/llm-provider.js';

interface Envelope {
  v: 1;
  meta: CallMeta;
  director?: JsonValue | null;
  /** Written by engines before the director: the scripted planner's state, which the director reads as its own. */
  provider?: JsonValue | null;
}

/** CallState → the ConversationState changelog record. What the schema has no field for rides in providerState. */
export function toRecord(state: CallState): ConversationState {
  const envelope: Envelope = { v: 1, meta: state.meta, director: state.director };
  return {
    callId: state.callId,
    version: state.version,
    updatedAt: new Date(state.updatedAt),
    status: state.status,
    turn: state.turn,
    maxTurns: state.maxTurns,
    customerId: state.customerId,
    agentId: state.agentId,
    seed: state.seed,
    customerHistory: state.histories.customer.map((m) => ({ ...m })),
    agentHistory: state.histories.agent.map((m) => ({ ...m })),
    endReason: state.end?.reason ?? null,
    endedBy: state.end?.endedBy ?? null,
    tokensUsed: state.tokensUsed,
    fallbackTurns: state.fallbackTurns,
    providerState: JSON.stringify(envelope),
  };
}

export class StateDecodeError extends Error {
  readonly code = 'SYNTH_STATE_INVALID';
}

export function fromRecord(record: ConversationState): CallState {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(record.providerState ?? '') as Envelope;
  } catch (cause) {
    throw new StateDecodeError(`conversation state of ${record.callId} has no readable providerState`, {
      cause,
    });
  }
  if (envelope?.v !== 1 || !envelope.meta)
    throw new StateDecodeError(
      `conversation state of ${record.callId} has an unknown providerState envelope`,
    );
  const endReason = record.endReason;
  if (endReason === 'time_limit')
    throw new StateDecodeError(
      `conversation state of ${record.callId} ended with time_limit, which the engine never writes`,
    );
  return {
    callId: record.callId,
    version: record.version,
    updatedAt: record.updatedAt.getTime(),
    status: record.status,
    turn: record.turn,
    maxTurns: record.maxTurns,
    customerId: record.customerId,
    agentId: record.agentId,
    seed: record.seed,
    histories: {
      customer: record.customerHistory.map((m) => ({ ...m })),
      agent: record.agentHistory.map((m) => ({ ...m })),
    },
    end: endReason && record.endedBy ? { reason: endReason, endedBy: record.endedBy } : null,
    tokensUsed: record.tokensUsed,
    fallbackTurns: record.fallbackTurns,
    meta: envelope.meta,
    director:
      envelope.director !== undefined ? envelope.director : fromPlanner(envelope.provider ?? null, record),
  };
}

/**
 * A record written before the director keeps the scripted planner's state (plan, memories, PII spans) but no spoken
 * turns: they are read back from the histories, or the ground truth would list only the lines after the restart.
 * The move of a line is not known then (only the greeting's); every line of that engine was the planner's own.
 */
function fromPlanner(provider: JsonValue | null, record: ConversationState): JsonValue | null {
  if (provider === null || typeof provider !== 'object' || Array.isArray(provider) || !('plan' in provider))
    return provider;
  if ('turns' in provider) return provider;
  const truth = provider.truth as { pii?: Array<{ turn: number; type: string }> } | undefined;
  const spoken = [
    ...record.agentHistory.map((m) => ({ ...m, speaker: 'agent' as const })),
    ...record.customerHistory.map((m) => ({ ...m, speaker: 'customer' as const })),
  ].filter((m) => m.role === 'assistant');
  const turns = spoken
    .sort((a, b) => a.turn - b.turn)
    .map((m) => ({
      turn: m.turn,
      role: m.speaker,
      move: m.turn === 0 ? 'greet' : m.speaker === 'agent' ? 'step' : 'answer',
      realizedBy: 'template',
      text: m.content,
      plannedPii: [...new Set((truth?.pii ?? []).filter((p) => p.turn === m.turn).map((p) => p.type))],
      names: [],
    }));
  return { ...provider, turns };
}
