import { z } from 'zod';
import { envBoolean, envDurationMs, envEnum, envList, envPort, envUrl } from './fields.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'test', 'production'] as const;

/** Variables every service reads. `opsPort` is the service's default ops (health/metrics) port. */
export function serviceEnv({ opsPort }: { opsPort: number }) {
  return {
    OPS_PORT: envPort().default(opsPort),
    // Loopback by default: the ops endpoints are unauthenticated, so exposing them is an explicit choice (k8s: 0.0.0.0).
    OPS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    // Pods on the node's network (deploy/k8s/overlays/local) share the ops port with their successor during a rolling
    // restart (SO_REUSEPORT, Linux): the new pod listens while the old one still drains.
    OPS_REUSE_PORT: envBoolean().default(false),
    // On SIGTERM, how long to wait for a successor on the shared ops port (OPS_REUSE_PORT) to answer /readyz before
    // stopping intake, so a rolling restart hands the work over instead of leaving a gap; 0 = do not wait.
    HANDOVER_WAIT_MS: envDurationMs().default(0),
    LOG_LEVEL: envEnum(LOG_LEVELS).default('info'),
    NODE_ENV: envEnum(NODE_ENVS).default('production'),
  };
}

export const BUS_KINDS = ['memory', 'kafka'] as const;

/** Which event bus a service uses, and how to reach Kafka when it is the real one. Pair with `requireKafkaSettings`. */
export const busEnv = {
  SYNTHCALL_BUS: envEnum(BUS_KINDS).default('memory'),
  KAFKA_BROKERS: envList(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port')).optional(),
  SCHEMA_REGISTRY_URL: envUrl().optional(),
  KAFKA_CLIENT_ID: z.string().trim().min(1).optional(),
};

interface BusSettings {
  SYNTHCALL_BUS: (typeof BUS_KINDS)[number];
  KAFKA_BROKERS?: string[] | undefined;
  SCHEMA_REGISTRY_URL?: string | undefined;
}

/**
 * Object-level rule for `busEnv`: Kafka settings are only required when the Kafka bus is selected. Use as
 * `z.object({...serviceEnv(...), ...busEnv}).superRefine(requireKafkaSettings)`.
 */
export function requireKafkaSettings(value: BusSettings, ctx: z.RefinementCtx): void {
  if (value.SYNTHCALL_BUS !== 'kafka') return;
  for (const variable of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'] as const) {
    if (value[variable] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [variable],
        message: 'missing (required when SYNTHCALL_BUS=kafka)',
      });
    }
  }
}
