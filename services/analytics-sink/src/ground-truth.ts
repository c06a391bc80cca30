import { scriptedLabels } from '@synthcall/conversation-engine';
import type { ConversationState } from '@synthcall/schemas';
import { type GroundTruth, outcomeOf } from './domain/dataset.js';

/**
 * The scripted provider's ground truth of a call, read from a conversation-state snapshot; null when the state carries
 * no scripted record (another provider, or a turn before the planner ran).
 */
export function groundTruthOf(state: ConversationState): GroundTruth | null {
  // The engine keeps the scripted planner's record inside its providerState envelope.
  let envelope: { provider?: unknown } | undefined;
  try {
    envelope = JSON.parse(state.providerState ?? 'null');
  } catch {
    return null;
  }
  const truth = scriptedLabels((envelope?.provider ?? null) as never);
  if (!truth) return null;
  return {
    intendedOutcome: outcomeOf(truth.intendedOutcome) ?? 'unresolved',
    demeanor: truth.demeanorTrajectory[0]?.demeanor ?? 'unknown',
    demeanorTrajectory: truth.demeanorTrajectory,
    spokenPii: truth.pii,
  };
}
