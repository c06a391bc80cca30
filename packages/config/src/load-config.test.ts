import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { envBoolean, envDurationMs, envInt, envList, envUrl } from './fields.js';
import { busEnv, requireKafkaSettings, serviceEnv } from './fragments.js';
import { loadConfig } from './load-config.js';

const serviceSchema = z
  .object({ ...serviceEnv({ opsPort: 9461 }), ...busEnv })
  .superRefine(requireKafkaSettings);

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the service defaults when nothing is set', () => {
    expect(loadConfig(serviceSchema, {})).toEqual({
      OPS_PORT: 9461,
      OPS_HOST: '127.0.0.1',
      OPS_REUSE_PORT: false,
      HANDOVER_WAIT_MS: 0,
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('converts set values to their types', () => {
    const config = loadConfig(serviceSchema, {
      OPS_PORT: '0',
      LOG_LEVEL: 'debug',
      SYNTHCALL_BUS: 'kafka',
      KAFKA_BROKERS: 'a:9092, b:9093,',
      SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7',
      KAFKA_CLIENT_ID: 'orchestrator-1',
    });
    expect(config).toMatchObject({
      OPS_PORT: 0,
      LOG_LEVEL: 'debug',
      SYNTHCALL_BUS: 'kafka',
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7',
      KAFKA_CLIENT_ID: 'orchestrator-1',
    });
  });

  it('treats an empty variable as unset so the default wins', () => {
    expect(loadConfig(serviceSchema, { OPS_PORT: '', LOG_LEVEL: '  ' })).toMatchObject({
      OPS_PORT: 9461,
      LOG_LEVEL: 'info',
    });
  });

  it('ignores variables the schema does not declare', () => {
    expect(loadConfig(serviceSchema, { HOME: '/root' })).not.toHaveProperty('HOME');
  });

  it('throws SYNTH_CONFIG_INVALID naming a non-numeric port', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { OPS_PORT: 'abc' }));
    expect(error.code).toBe('SYNTH_CONFIG_INVALID');
    expect(error.issues).toEqual([{ variable: 'OPS_PORT', reason: 'must be an integer' }]);
    expect(error.message).toContain('OPS_PORT: must be an integer');
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  it('names a port outside 0..65535', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { OPS_PORT: '70000' }));
    expect(error.message).toContain('OPS_PORT: must be an integer <= 65535');
  });

  it('names an unknown log level and lists the allowed ones', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { LOG_LEVEL: 'loud' }));
    expect(error.message).toContain('LOG_LEVEL: must be one of fatal|error|warn|info|debug|trace|silent');
  });

  it('names an unknown bus kind', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { SYNTHCALL_BUS: 'rabbit' }));
    expect(error.message).toContain('SYNTHCALL_BUS: must be one of memory|kafka');
  });

  it('requires the brokers and the registry when the kafka bus is selected', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { SYNTHCALL_BUS: 'kafka' }));
    expect(error.issues).toEqual([
      { variable: 'KAFKA_BROKERS', reason: 'missing (required when SYNTHCALL_BUS=kafka)' },
      { variable: 'SCHEMA_REGISTRY_URL', reason: 'missing (required when SYNTHCALL_BUS=kafka)' },
    ]);
  });

  it('names a malformed broker list once, without a second "missing" line', () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        SYNTHCALL_BUS: 'kafka',
        KAFKA_BROKERS: 'localhost',
        SCHEMA_REGISTRY_URL: 'http://r:8080',
      }),
    );
    expect(error.issues).toEqual([{ variable: 'KAFKA_BROKERS', reason: 'each broker must be host:port' }]);
  });

  it('names a registry URL that is not http(s)', () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        SYNTHCALL_BUS: 'kafka',
        KAFKA_BROKERS: 'a:1',
        SCHEMA_REGISTRY_URL: 'registry',
      }),
    );
    expect(error.message).toContain('SCHEMA_REGISTRY_URL: must be an absolute http/https URL');
  });

  it('lists every bad variable at once', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { OPS_PORT: 'abc', LOG_LEVEL: 'loud' }));
    expect(error.issues.map((issue) => issue.variable)).toEqual(['OPS_PORT', 'LOG_LEVEL']);
  });

  it('reports a required variable that is absent as missing', () => {
    const schema = z.object({ TWILIO_AUTH_TOKEN: z.string() });
    const error = configErrorOf(() => loadConfig(schema, {}));
    expect(error.issues).toEqual([{ variable: 'TWILIO_AUTH_TOKEN', reason: 'missing (required)' }]);
  });

  it('never puts the rejected value of a secret in the message', () => {
    const secret = 'sk-live-do-not-print-9f8e7d';
    const schema = z.object({
      OPENAI_API_KEY: z.string().regex(/^sk-proj-/, 'must start with sk-proj-'),
      OPENAI_BASE_URL: envUrl(),
      SEGMENT_WRITE_KEY: envInt(),
    });
    const error = configErrorOf(() =>
      loadConfig(schema, { OPENAI_API_KEY: secret, OPENAI_BASE_URL: secret, SEGMENT_WRITE_KEY: secret }),
    );
    expect(error.issues).toHaveLength(3);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.issues)).not.toContain(secret);
  });
});

describe('field helpers', () => {
  function load<T>(field: z.ZodType<T, string>, value: string): T {
    const config: { VALUE: unknown } = loadConfig(z.object({ VALUE: field }), { VALUE: value });
    return config.VALUE as T;
  }

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['off', false],
    ['0', false],
  ])('reads boolean %s as %s', (raw, expected) => {
    expect(load(envBoolean(), raw)).toBe(expected);
  });

  it('names a word that is not a boolean', () => {
    const error = configErrorOf(() => load(envBoolean(), 'maybe'));
    expect(error.message).toContain('VALUE: must be a boolean (true|1|yes|on|false|0|no|off)');
  });

  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['800', 800],
  ])('reads duration %s as %i ms', (raw, expected) => {
    expect(load(envDurationMs(), raw)).toBe(expected);
  });

  it('names a duration with an unknown unit', () => {
    const error = configErrorOf(() => load(envDurationMs(), '5 days'));
    expect(error.message).toContain('VALUE: must be a duration such as 500ms, 5s, 2m, 1h');
  });

  it('names an integer below its minimum', () => {
    const error = configErrorOf(() => load(envInt({ min: 1 }), '0'));
    expect(error.message).toContain('VALUE: must be an integer >= 1');
  });

  it('names a list with no entries', () => {
    const error = configErrorOf(() => load(envList(), ' , ,'));
    expect(error.message).toContain('VALUE: must be a comma-separated list of at least 1 item(s)');
  });

  it('accepts only the URL schemes it was given', () => {
    expect(load(envUrl({ protocols: ['postgres'] }), 'postgres://db:5432/x')).toBe('postgres://db:5432/x');
    const error = configErrorOf(() => load(envUrl({ protocols: ['postgres'] }), 'http://db'));
    expect(error.message).toContain('VALUE: must be an absolute postgres URL');
  });
});
