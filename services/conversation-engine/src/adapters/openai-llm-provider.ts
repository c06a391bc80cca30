import OpenAI from 'openai';
import { type BreakerState, CircuitBreaker } from '../domain/circuit-breaker.js';
import type { LineRequest, LineResult, LlmProvider, NaturalEnd, TokenUsage } from '../domain/llm-provider.js';
import { NO_TOKENS } from '../domain/llm-provider.js';
import { agentIntroduction, END_TAG } from '../domain/prompt.js';
import { breaksRole } from '../domain/quality-gate.js';
import type { Random } from '../domain/random.js';
import type { Role } from '../domain/types.js';
import { type EngineMetrics, noopEngineMetrics } from '../engine-metrics.js';

export interface OpenAiLlmProviderOptions {
  apiKey: string;
  /** An OpenAI-compatible server (vLLM, Ollama, LM Studio, a test double); the SDK default otherwise. */
  baseURL?: string | undefined;
  model: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /** Attempts after the first, for 408/409/429/5xx, timeouts and connection errors. */
  maxRetries: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the line falls back instead (the gateway will not wait). */
  maxRetryAfterMs?: number;
  breaker: { failureThreshold: number; cooldownMs: number };
  /** US dollars per million tokens, for the cost estimate. */
  prices: { prompt: number; completion: number };
  maxLineChars?: number;
  maxTokens?: number;
  temperature?: number;
  now: () => number;
  random: Random;
  sleep?: (ms: number) => Promise<void>;
  metrics?: EngineMetrics;
  /** Injected for tests; the SDK's own fetch otherwise. */
  fetch?: typeof fetch;
}

export type LlmErrorCode =
  | 'SYNTH_LLM_TIMEOUT'
  | 'SYNTH_LLM_RATE_LIMITED'
  | 'SYNTH_LLM_SERVER_ERROR'
  | 'SYNTH_LLM_REQUEST_REJECTED'
  | 'SYNTH_LLM_CONNECTION'
  | 'SYNTH_LLM_INVALID_RESPONSE'
  | 'SYNTH_LLM_CIRCUIT_OPEN'
  | 'SYNTH_LLM_NONSENSE';

export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const FALLBACK_LINES: Record<Role, readonly string[]> = {
  agent: [
    'Sorry, my system is a little slow right now. Could you bear with me for a moment?',
    'Apologies, I lost my screen for a second. Could you tell me that once more?',
  ],
  customer: [
    'Sorry, you broke up a little there. Could you say that again?',
    'Hello? Sorry, could you repeat that?',
  ],
};

const OUTCOME_BY_CODE: Record<LlmErrorCode, string> = {
  SYNTH_LLM_TIMEOUT: 'timeout',
  SYNTH_LLM_RATE_LIMITED: 'rate_limited',
  SYNTH_LLM_SERVER_ERROR: 'server_error',
  SYNTH_LLM_REQUEST_REJECTED: 'client_error',
  SYNTH_LLM_CONNECTION: 'connection_error',
  SYNTH_LLM_INVALID_RESPONSE: 'invalid_response',
  SYNTH_LLM_CIRCUIT_OPEN: 'circuit_open',
  SYNTH_LLM_NONSENSE: 'nonsense',
};

const BREAKER_GAUGE: Record<BreakerState, 0 | 1 | 2> = { closed: 0, half_open: 1, open: 2 };

function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The SDK's errors as our typed, retry-classified errors. */
function classify(err: unknown, now: number): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new LlmError('SYNTH_LLM_TIMEOUT', 'the model did not answer in time', true, undefined, {
      cause: err,
    });
  if (err instanceof OpenAI.APIConnectionError)
    return new LlmError('SYNTH_LLM_CONNECTION', 'could not reach the model server', true, undefined, {
      cause: err,
    });
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const after = retryAfterMs(err.headers as Headers | undefined, now);
    if (status === 429)
      return new LlmError('SYNTH_LLM_RATE_LIMITED', 'rate limited', true, after, { cause: err });
    if (status >= 500 || status === 408 || status === 409)
      return new LlmError('SYNTH_LLM_SERVER_ERROR', `model server answered ${status}`, true, after, {
        cause: err,
      });
    return new LlmError(
      'SYNTH_LLM_REQUEST_REJECTED',
      `model server rejected the request (${status})`,
      false,
      undefined,
      {
        cause: err,
      },
    );
  }
  return new LlmError(
    'SYNTH_LLM_INVALID_RESPONSE',
    'the model server sent an unreadable answer',
    false,
    undefined,
    {
      cause: err,
    },
  );
}

/**
 * The `openai` provider: chat completions through the official SDK (any OpenAI-compatible server via baseURL).
 * Retries and the breaker are ours, not the SDK's, so every attempt is measured and a seed fixes the jitter.
 * Whatever goes wrong, the call gets a line: a fallback, labelled as such.
 */
export class OpenAiLlmProvider implements LlmProvider {
  readonly name = 'openai';
  private readonly client: OpenAI;
  private readonly breaker: CircuitBreaker;
  private readonly metrics: EngineMetrics;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OpenAiLlmProviderOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.metrics = options.metrics ?? noopEngineMetrics;
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      now: options.now,
      onStateChange: (state) => this.metrics.breakerState(this.name, BREAKER_GAUGE[state]),
    });
    this.metrics.breakerState(this.name, 0);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async nextLine(request: LineRequest): Promise<LineResult> {
    // The greeting is the agent persona's own introduction, word for word; no model call needed.
    if (request.turn === 0 && request.role === 'agent')
      return {
        text: agentIntroduction(request.context),
        usage: NO_TOKENS,
        fallback: false,
        state: request.state,
      };
    if (!this.breaker.tryAcquire())
      return this.fallback(request, new LlmError('SYNTH_LLM_CIRCUIT_OPEN', 'circuit open', false), NO_TOKENS);
    let usage: TokenUsage = NO_TOKENS;
    try {
      const completion = await this.complete(request);
      usage = {
        prompt: completion.usage?.prompt_tokens ?? 0,
        completion: completion.usage?.completion_tokens ?? 0,
      };
      this.countTokens(usage);
      const raw = completion.choices?.[0]?.message?.content;
      if (typeof raw !== 'string')
        throw new LlmError('SYNTH_LLM_INVALID_RESPONSE', 'no message in the answer', false);
      const line = this.vet(request.role, raw);
      this.breaker.success();
      return { text: line.text, end: line.end, usage, fallback: false, state: request.state };
    } catch (err) {
      const error = classify(err, this.options.now());
      // Nonsense is the model's fault, not the server's: it does not count toward opening the circuit.
      if (error.code === 'SYNTH_LLM_NONSENSE') this.breaker.success();
      else this.breaker.failure();
      return this.fallback(request, error, usage);
    }
  }

  private async complete(request: LineRequest): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    const messages = request.history.map((m) => ({ role: m.role, content: m.content }));
    for (let attempt = 0; ; attempt++) {
      const started = this.options.now();
      try {
        const completion = await this.client.chat.completions.create({
          model: this.options.model,
          messages,
          max_tokens: this.options.maxTokens ?? 160,
          temperature: 0.8,
        });
        this.metrics.llmRequest(this.name, 'ok', (this.options.now() - started) / 1000);
        return completion;
      } catch (err) {
        const error = classify(err, this.options.now());
        this.metrics.llmRequest(
          this.name,
          OUTCOME_BY_CODE[error.code],
          (this.options.now() - started) / 1000,
        );
        if (!error.retryable || attempt >= this.options.maxRetries) throw error;
        const wait = this.backoff(attempt, error.retryAfterMs);
        if (wait === undefined) throw error;
        await this.sleep(wait);
      }
    }
  }

  /** Exponential backoff with full jitter; a server's Retry-After wins when it says longer. */
  private backoff(attempt: number, retryAfter: number | undefined): number | undefined {
    const initial = this.options.initialBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 4_000;
    const jittered = this.options.random.next() * Math.min(max, initial * 2 ** attempt);
    if (retryAfter === undefined) return jittered;
    if (retryAfter > (this.options.maxRetryAfterMs ?? 10_000)) return undefined;
    return Math.max(retryAfter, jittered);
  }

  private vet(role: Role, raw: string): { text: string; end?: NaturalEnd } {
    const tag = END_TAG.exec(raw);
    const text = raw
      .replace(END_TAG, '')
      .replace(/^\s*(?:agent|customer|assistant)\s*:\s*/i, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (text === '') throw new LlmError('SYNTH_LLM_NONSENSE', 'empty line', false);
    if (text.length > (this.options.maxLineChars ?? 400))
      throw new LlmError('SYNTH_LLM_NONSENSE', `line of ${text.length} characters`, false);
    if (breaksRole(role, text))
      throw new LlmError('SYNTH_LLM_NONSENSE', `the ${role} spoke as the other side`, false);
    return tag ? { text, end: tag[1] as NaturalEnd } : { text };
  }

  private countTokens(usage: TokenUsage): void {
    this.metrics.llmTokens(this.name, 'prompt', usage.prompt);
    this.metrics.llmTokens(this.name, 'completion', usage.completion);
    const { prompt, completion } = this.options.prices;
    this.metrics.llmCost(this.name, (usage.prompt * prompt + usage.completion * completion) / 1_000_000);
  }

  private fallback(request: LineRequest, error: LlmError, usage: TokenUsage): LineResult {
    const lines = FALLBACK_LINES[request.role];
    return {
      // A role speaks every other turn: step through its own lines, not the call's.
      text: lines[Math.floor(request.turn / 2) % lines.length] as string,
      usage,
      fallback: true,
      fallbackReason: error.code,
      state: request.state,
    };
  }
}
