import {
  busEnv,
  type Env,
  envDurationMs,
  envEnum,
  envInt,
  envUrl,
  loadConfig,
  requireKafkaSettings,
  serviceEnv,
} from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9463;

const price = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a non-negative number (US dollars per million tokens)')
  .transform(Number);

const temperature = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a number from 0 to 2')
  .transform(Number)
  .refine((t) => t <= 2, 'must be a number from 0 to 2');

/** Every variable the conversation-engine reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    /** scripted = the offline seeded planner; openai = chat completions (OpenAI or a compatible server). */
    LLM_PROVIDER: envEnum(['scripted', 'openai'] as const).default('scripted'),
    OPENAI_API_KEY: z.string().trim().min(1, 'must not be empty').optional(),
    OPENAI_BASE_URL: envUrl().optional(),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
    OPENAI_TIMEOUT: envDurationMs().default(6_000),
    OPENAI_MAX_RETRIES: envInt({ min: 0, max: 5 }).default(2),
    LLM_BREAKER_FAILURES: envInt({ min: 1, max: 100 }).default(5),
    LLM_BREAKER_COOLDOWN: envDurationMs().default(30_000),
    /** gpt-4o-mini list prices; set them for another model so the cost metric stays honest. */
    LLM_PRICE_PROMPT_PER_MTOK: price.default(0.15),
    LLM_PRICE_COMPLETION_PER_MTOK: price.default(0.6),
    /** Completion tokens per line: two or three spoken sentences, with room for a structured answer. */
    LLM_MAX_TOKENS: envInt({ min: 16, max: 4_096 }).default(160),
    LLM_TEMPERATURE: temperature.default(0.8),
    /** A longer line is nonsense for a phone call and is replaced (the provider's check). */
    LLM_MAX_LINE_CHARS: envInt({ min: 40, max: 4_000 }).default(400),
    /** json_schema = {"line": …} through response_format (OpenAI, llama-server); text = a LINE: tag, for other servers. */
    LLM_RESPONSE_FORMAT: envEnum(['json_schema', 'text'] as const).default('json_schema'),
    /** This many fallback lines in a row end the call as `error` on the next line (domain/conversation.ts). */
    LLM_MAX_FALLBACK_RUN: envInt({ min: 1, max: 100 }).default(3),
    /** changelog = the compacted conversation-state topic (survives restarts); memory = this process only. */
    ENGINE_STATE_STORE: envEnum(['changelog', 'memory'] as const).default('changelog'),
    PERSONAS_CUSTOMERS_FILE: z.string().trim().min(1).optional(),
    PERSONAS_AGENTS_FILE: z.string().trim().min(1).optional(),
  })
  .superRefine(requireKafkaSettings)
  .superRefine((value, ctx) => {
    // A compatible server on OPENAI_BASE_URL (llama-server, vLLM, Ollama) usually needs no key; OpenAI itself does.
    if (
      value.LLM_PROVIDER === 'openai' &&
      value.OPENAI_API_KEY === undefined &&
      value.OPENAI_BASE_URL === undefined
    )
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message: 'required when LLM_PROVIDER=openai and no OPENAI_BASE_URL is set',
      });
  });

export type Config = z.output<typeof configSchema>;

export function loadConversationEngineConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
