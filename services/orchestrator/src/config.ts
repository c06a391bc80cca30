import { busEnv, type Env, loadConfig, requireKafkaSettings, serviceEnv } from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9461;

/** Every variable the orchestrator reads. Service-specific settings join this object as the service grows. */
export const configSchema = z
  .object({ ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }), ...busEnv })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadOrchestratorConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
