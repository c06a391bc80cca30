import OpenAI from 'openai';
import { type BreakerState, CircuitBreaker } from '../domain/circuit-breaker.js';
import { checkRealized, knownText } from '../domain/director/check.js';
import type { LineRequest, LineResult, LlmProvider, TokenUsage } from '../domain/llm-provider.js';
import { NO_TOKENS } from '../domain/llm-provider.js';
import { realizerMessages } from '../domain/prompt.js';
import type { Random } from '../domain/random.js';
import { type EngineMetrics, noopEngineMetrics } from '../engine-metrics.js';

export interface OpenAiLlmProviderOptions {
  /** Keyless local servers ignore it; the SDK wants a string, so a placeholder is passed when none is set. */
  apiKey: string;
  /** An OpenAI-compatible server (llama.cpp's llama-server, vLLM, Ollama, a test double); the SDK default otherwise. */
  baseURL?: string | undefined;
  model: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /** Attempts after the first, for 408/409/429/5xx, timeouts and connection errors. */
  maxRetries: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the move's own line is spoken instead. */
  maxRetryAfterMs?: number;
  breaker: { failureThreshold: number; cooldownMs: number };
  /** US dollars per million tokens, for the cost estimate. */
  prices: { prompt: number; completion: number };
  maxLineChars?: number;
  maxTokens?: number;
  temperature?: number;
  /** OpenAI's frequency_penalty (-2..2): a small model falls into "I'm sorry, I'm sorry, …" without one. */
  frequencyPenalty?: number;
  /**
   * json_schema = ask for {"line": "..."} through `response_format` (OpenAI and llama-server constrain the output to
   * the schema); text = plain text, the line after a `LINE:` tag, for servers without structured output.
   */
  responseFormat?: 'json_schema' | 'text';
  /** How many of the role's latest history messages the prompt carries (a small model reads short prompts better). */
  historyMessages?: number;
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
  | 'SYNTH_LLM_NONSENSE'
  | 'SYNTH_LLM_CONTRADICTS_PLAN';

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

const OUTCOME_BY_CODE: Record<LlmErrorCode, string> = {
  SYNTH_LLM_TIMEOUT: 'timeout',
  SYNTH_LLM_RATE_LIMITED: 'rate_limited',
  SYNTH_LLM_SERVER_ERROR: 'server_error',
  SYNTH_LLM_REQUEST_REJECTED: 'client_error',
  SYNTH_LLM_CONNECTION: 'connection_error',
  SYNTH_LLM_INVALID_RESPONSE: 'invalid_response',
  SYNTH_LLM_CIRCUIT_OPEN: 'circuit_open',
  SYNTH_LLM_NONSENSE: 'nonsense',
  SYNTH_LLM_CONTRADICTS_PLAN: 'contradicts_plan',
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

/** Model requests per line: the first wording, and once more when it contradicts the plan. */
const ATTEMPTS = 2;

/**
 * How much hotter the second request is when the first handed the director's line back nearly word for word: at the
 * same temperature a small model mostly copies again (Qwen2.5-Coder-1.5B reworded 6 of 10 such lines at 0.3, 9 of 10
 * at 0.9). Only a copy asks for it; a made-up figure or a wrong role is not cured by more randomness.
 */
const COPY_RETRY_TEMPERATURE_STEP = 0.4;
const MAX_TEMPERATURE = 1.5;

const LINE_SCHEMA = {
  type: 'object',
  properties: { line: { type: 'string', minLength: 1 } },
  required: ['line'],
  additionalProperties: false,
} as const;

/** The text of a {"line": "…"} answer cut off before its closing quote (the model ran out of tokens). */
function cutOffJsonLine(raw: string): string | undefined {
  const open = /^\s*\{\s*"line"\s*:\s*"/.exec(raw);
  if (!open) return undefined;
  const body = raw.slice(open[0].length).replace(/\\$/, '');
  try {
    return JSON.parse(`"${body.replace(/"\s*\}?\s*$/, '')}"`) as string;
  } catch {
    return undefined;
  }
}

function fourGrams(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  return words.slice(0, -3).map((_, i) => words.slice(i, i + 4).join(' '));
}

/**
 * The line up to its first complete sentence that repeats an earlier one, or whose words loop; only whole sentences.
 * What the move's own line repeats is the plan's wording, not a loop.
 */
function untilItRepeats(text: string, planned: string): string {
  const plannedGrams = fourGrams(planned);
  const repeatedInPlan = new Set(plannedGrams.filter((g, i) => plannedGrams.indexOf(g) !== i));
  const sentences = text.match(/[^.!?]+[.!?]+|[^.!?]+$/g) ?? [];
  const kept: string[] = [];
  const seen = new Set<string>();
  const grams = new Set<string>();
  for (const sentence of sentences) {
    const key = sentence
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    const words = key.split(' ');
    const own = words.slice(0, -3).map((_, i) => words.slice(i, i + 4).join(' '));
    const loops = own.some((g, i) => !repeatedInPlan.has(g) && (grams.has(g) || own.indexOf(g) !== i));
    if ((words.length >= 3 && seen.has(key)) || loops) break;
    seen.add(key);
    for (const g of own) grams.add(g);
    kept.push(sentence);
  }
  // An unfinished last sentence is dropped unless it is all there is.
  const whole = kept.filter((s, i) => /[.!?]$/.test(s.trim()) || (i === 0 && kept.length === 1));
  return whole.join('').trim();
}

/** A stable 31-bit seed for one request, so the same call asks the model the same way on a rerun. */
function requestSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 2147483647;
}

/**
 * The `openai` provider: a model rewords the director's move through the official SDK's chat completions (any
 * OpenAI-compatible server via baseURL). The prompt carries the persona, the role's recent history and this turn's
 * move; the answer is checked against the plan (director/check.ts) and asked for once more when it contradicts it,
 * then the move's own line is spoken — so a model that is slow, down or talking nonsense never costs the call a line,
 * and the data says which lines the model worded. Retries and the breaker are ours, not the SDK's, so every attempt
 * is measured and a seed fixes the jitter.
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

  get model(): string {
    return this.options.model;
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async nextLine(request: LineRequest): Promise<LineResult> {
    const { move } = request;
    const template = (reason: string, usage: TokenUsage, requests: number): LineResult => ({
      text: move.line,
      realizedBy: 'template',
      usage,
      templateReason: reason,
      requests,
    });
    // The greeting is the agent persona's own introduction, word for word; no model call needed.
    if (move.kind === 'greet')
      return {
        text: move.line,
        realizedBy: 'template',
        usage: NO_TOKENS,
        templateReason: 'greeting',
        requests: 0,
      };
    const known = knownText(request.context, request.history, move);
    const lastHeard = [...request.history].reverse().find((m) => m.role === 'user')?.content;
    let usage: TokenUsage = NO_TOKENS;
    let problem = '';
    // What was wrong with the last answer, as a bounded code: the template reason is a metric label.
    let problemCode = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (!this.breaker.tryAcquire()) return template('SYNTH_LLM_CIRCUIT_OPEN', usage, attempt);
      try {
        const completion = await this.complete(request, attempt, problem, problemCode === 'copied');
        const used = {
          prompt: completion.usage?.prompt_tokens ?? 0,
          completion: completion.usage?.completion_tokens ?? 0,
        };
        usage = { prompt: usage.prompt + used.prompt, completion: usage.completion + used.completion };
        this.countTokens(used);
        this.breaker.success();
        const text = this.lineOf(completion.choices?.[0]?.message?.content, move.line);
        const check = checkRealized(move, text, known, {
          maxLineChars: this.options.maxLineChars ?? 400,
          lastHeard,
          history: request.history,
          speakerFirstName: (move.role === 'customer'
            ? request.context.customer.name
            : request.context.agent.name
          ).split(' ')[0],
        });
        if (check.ok) return { text, realizedBy: 'model', usage, requests: attempt + 1 };
        problem = `${check.problem}: ${check.detail}`;
        problemCode = check.problem;
        this.metrics.llmRequest(this.name, `rejected_${check.problem}`, 0);
      } catch (err) {
        const error = classify(err, this.options.now());
        // An unreadable answer is the model's fault, not the server's: it does not count toward opening the circuit.
        if (error.code === 'SYNTH_LLM_NONSENSE' || error.code === 'SYNTH_LLM_INVALID_RESPONSE') {
          this.breaker.success();
          problem = error.message;
          problemCode = OUTCOME_BY_CODE[error.code];
          continue;
        }
        this.breaker.failure();
        return template(error.code, usage, attempt + 1);
      }
    }
    return template(`SYNTH_LLM_CONTRADICTS_PLAN:${problemCode}`, usage, ATTEMPTS);
  }

  /**
   * The spoken line out of the model's answer: the JSON field, or the text after the tag; tidied. A small model often
   * starts well and then loops ("Fine. I'm fine. I'm fine. …") until it runs out of tokens, which also cuts its JSON
   * off: the line is its words up to where they start repeating (still checked against the plan afterwards).
   */
  private lineOf(raw: unknown, planned: string): string {
    if (typeof raw !== 'string')
      throw new LlmError('SYNTH_LLM_INVALID_RESPONSE', 'no message in the answer', false);
    let line: unknown = raw;
    if ((this.options.responseFormat ?? 'json_schema') === 'json_schema') {
      try {
        line = (JSON.parse(raw) as { line?: unknown }).line;
      } catch (cause) {
        line = cutOffJsonLine(raw);
        if (line === undefined)
          throw new LlmError(
            'SYNTH_LLM_INVALID_RESPONSE',
            'the answer is not the JSON asked for',
            false,
            undefined,
            {
              cause,
            },
          );
      }
    } else {
      const tagged = /LINE:\s*([^\n]*)/i.exec(raw);
      line = tagged ? tagged[1] : raw;
    }
    if (typeof line !== 'string')
      throw new LlmError('SYNTH_LLM_INVALID_RESPONSE', 'the answer has no line', false);
    const text = untilItRepeats(
      line
        .replace(/^\s*(?:agent|customer|assistant|line)\s*:\s*/i, '')
        .replace(/^["'\s]+|["'\s]+$/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
      planned,
    );
    if (text === '') throw new LlmError('SYNTH_LLM_NONSENSE', 'empty line', false);
    return text;
  }

  private async complete(
    request: LineRequest,
    attempt: number,
    problem: string,
    afterCopy: boolean,
  ): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    const messages = realizerMessages(request, {
      historyMessages: this.options.historyMessages ?? 2,
      format: this.options.responseFormat ?? 'json_schema',
      problem,
    });
    const seed = requestSeed(`${request.context.seed}:${request.turn}:${attempt}`);
    const base = this.options.temperature ?? 0.8;
    const temperature = afterCopy ? Math.min(MAX_TEMPERATURE, base + COPY_RETRY_TEMPERATURE_STEP) : base;
    for (let retry = 0; ; retry++) {
      const started = this.options.now();
      try {
        const completion = await this.client.chat.completions.create({
          model: this.options.model,
          messages,
          // A rewording is about as long as its line: a cap near that length stops a small model rambling on.
          max_tokens: Math.min(this.options.maxTokens ?? 160, Math.ceil(request.move.line.length / 2.5) + 40),
          temperature,
          frequency_penalty: this.options.frequencyPenalty ?? 0,
          seed,
          ...((this.options.responseFormat ?? 'json_schema') === 'json_schema'
            ? {
                response_format: {
                  type: 'json_schema' as const,
                  json_schema: { name: 'line', strict: true, schema: LINE_SCHEMA },
                },
              }
            : {}),
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
        if (!error.retryable || retry >= this.options.maxRetries) throw error;
        const wait = this.backoff(retry, error.retryAfterMs);
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

  private countTokens(usage: TokenUsage): void {
    this.metrics.llmTokens(this.name, 'prompt', usage.prompt);
    this.metrics.llmTokens(this.name, 'completion', usage.completion);
    const { prompt, completion } = this.options.prices;
    this.metrics.llmCost(this.name, (usage.prompt * prompt + usage.completion * completion) / 1_000_000);
  }
}
