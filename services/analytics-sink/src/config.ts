import {
  busEnv,
  type Env,
  envDurationMs,
  loadConfig,
  requireKafkaSettings,
  serviceEnv,
} from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9464;
export const DEFAULT_DATASET_DIR = './synthcall-dataset';

/** Every variable the analytics-sink reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    /** Where calls.jsonl, transcripts/, labels/ and manifest.json go; relative to the working directory. */
    DATASET_DIR: z.string().trim().min(1, 'must not be empty').default(DEFAULT_DATASET_DIR),
    /** Wait after a call's end before writing it, for its last turns still on the other topics. */
    DATASET_SETTLE_MS: envDurationMs()
      .default(2_000)
      .pipe(z.number().int().min(0).max(60_000, 'must be at most 60s')),
  })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadAnalyticsSinkConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
