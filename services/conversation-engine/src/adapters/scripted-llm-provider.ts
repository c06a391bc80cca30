import { type LineRequest, type LineResult, type LlmProvider, NO_TOKENS } from '../domain/llm-provider.js';

/** The offline default: speaks the director's own line for each move. No network, no tokens. */
export class ScriptedLlmProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly model = null;

  async nextLine(request: LineRequest): Promise<LineResult> {
    return { text: request.move.line, realizedBy: 'template', usage: NO_TOKENS, requests: 0 };
  }
}
