import { busEnv, type Env, loadConfig, requireKafkaSettings, serviceEnv } from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9463;

/** Every variable the conversation-engine reads. Service-specific settings join this object as the service grows. */
export const configSchema = z
  .object({ ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }), ...busEnv })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadConversationEngineConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
