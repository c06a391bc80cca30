export { ConfigError, type ConfigIssue } from './errors.js';
export type { IntOptions, UrlOptions } from './fields.js';
export { envBoolean, envDurationMs, envEnum, envInt, envList, envPort, envUrl } from './fields.js';
export { BUS_KINDS, busEnv, LOG_LEVELS, NODE_ENVS, requireKafkaSettings, serviceEnv } from './fragments.js';
export { type Env, loadConfig } from './load-config.js';
