import type { JsonValue } from '../domain/llm-provider.js';
import { type LineRequest, type LineResult, type LlmProvider, NO_TOKENS } from '../domain/llm-provider.js';
import { type GroundTruth, scriptedGroundTruth, scriptedLine } from '../domain/scripted/planner.js';

/** The offline default: the seeded dialogue planner, no network, no tokens. */
export class ScriptedLlmProvider implements LlmProvider {
  readonly name = 'scripted';

  async nextLine(request: LineRequest): Promise<LineResult> {
    const line = scriptedLine(request.context, request.role, request.turn, request.history, request.state);
    return {
      text: line.text,
      end: line.end,
      usage: NO_TOKENS,
      fallback: false,
      state: line.state as unknown as JsonValue,
    };
  }
}

/** The labels a scripted call recorded (intended outcome, demeanor trajectory, spoken PII), from its provider state. */
export function scriptedLabels(providerState: JsonValue | null): GroundTruth | null {
  return scriptedGroundTruth(providerState);
}
