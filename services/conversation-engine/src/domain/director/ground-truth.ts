import type { GroundTruthRecorded } from '@synthcall/schemas';
import type { CallState } from '../conversation.js';
import type { CallContext } from '../types.js';
import { parseDirectorState } from './director.js';

/**
 * The ground truth of a call as its GroundTruthRecorded event: the director's plan (intended outcome, demeanor per
 * customer line) and what was actually spoken (every turn with who realized it, PII located in those words).
 */
export function groundTruthRecord(
  state: CallState,
  context: CallContext,
  provider: { name: string; model: string | null },
  version: number,
  now: number,
): GroundTruthRecorded {
  const director = parseDirectorState(state.director, context);
  return {
    eventId: `${state.callId}:ground_truth:${version}`,
    callId: state.callId,
    version,
    recordedAt: new Date(now),
    synthetic: true,
    provider: provider.name,
    model: provider.model,
    seed: state.seed,
    intendedOutcome: director.plan.intendedOutcome,
    demeanorTrajectory: director.truth.demeanorTrajectory.map((p) => ({ ...p })),
    pii: director.truth.pii.map(({ type, value, turn, start, end }) => ({ type, value, turn, start, end })),
    turns: director.turns.map((t) => ({
      turn: t.turn,
      role: t.role,
      move: t.move,
      realizedBy: t.realizedBy,
      text: t.text,
      plannedPii: t.plannedPii,
    })),
    holds: (director.holds ?? []).map(({ turn, seconds }) => ({ turn, seconds })),
    interruptions: (director.interruptions ?? []).map((i) => ({ ...i })),
    misunderstandings: (director.misunderstandings ?? []).map((m) => ({ ...m })),
    deviations: (director.deviations ?? []).map((d) => ({ ...d })),
    endReason: state.end?.reason ?? null,
    endedBy: state.end?.endedBy ?? null,
    tokensUsed: state.tokensUsed,
  };
}
