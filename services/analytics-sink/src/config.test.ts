import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { loadAnalyticsSinkConfig } from './config.js';

describe('analytics-sink config', () => {
  it('serves ops on 127.0.0.1:9464 with the in-memory bus by default', () => {
    expect(loadAnalyticsSinkConfig({})).toMatchObject({
      OPS_PORT: 9464,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadAnalyticsSinkConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadAnalyticsSinkConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });

  it('sends nothing to Segment by default and batches like analytics-node when a write key is set', () => {
    expect(loadAnalyticsSinkConfig({})).toMatchObject({
      SEGMENT_HOST: 'https://api.segment.io',
      SEGMENT_FLUSH_AT: 15,
      SEGMENT_FLUSH_INTERVAL_MS: 10_000,
      SEGMENT_MAX_RETRIES: 5,
    });
    expect(loadAnalyticsSinkConfig({}).SEGMENT_WRITE_KEY).toBeUndefined();
    expect(
      loadAnalyticsSinkConfig({ SEGMENT_WRITE_KEY: 'wk', SEGMENT_FLUSH_INTERVAL_MS: '2s' }),
    ).toMatchObject({ SEGMENT_WRITE_KEY: 'wk', SEGMENT_FLUSH_INTERVAL_MS: 2_000 });
  });

  it('waits 30 s for a call’s ground truth by default, and names DATASET_GROUND_TRUTH_WAIT_MS beyond 10 min', () => {
    expect(loadAnalyticsSinkConfig({}).DATASET_GROUND_TRUTH_WAIT_MS).toBe(30_000);
    expect(loadAnalyticsSinkConfig({ DATASET_GROUND_TRUTH_WAIT_MS: '5s' }).DATASET_GROUND_TRUTH_WAIT_MS).toBe(
      5_000,
    );
    expect(() => loadAnalyticsSinkConfig({ DATASET_GROUND_TRUTH_WAIT_MS: '11m' })).toThrow(
      /DATASET_GROUND_TRUTH_WAIT_MS/,
    );
  });

  it('names SEGMENT_HOST and SEGMENT_FLUSH_AT when they are not a URL and a batch size', () => {
    expect(() => loadAnalyticsSinkConfig({ SEGMENT_HOST: 'segment' })).toThrow(/SEGMENT_HOST/);
    expect(() => loadAnalyticsSinkConfig({ SEGMENT_FLUSH_AT: '0' })).toThrow(/SEGMENT_FLUSH_AT/);
  });

  it('writes no PostgreSQL unless DATABASE_URL is set, and takes a TCP or a unix-socket URL', () => {
    expect(loadAnalyticsSinkConfig({}).DATABASE_URL).toBeUndefined();
    expect(loadAnalyticsSinkConfig({ DATABASE_URL: 'postgres://u:p@db:5432/synthcall' }).DATABASE_URL).toBe(
      'postgres://u:p@db:5432/synthcall',
    );
    expect(
      loadAnalyticsSinkConfig({ DATABASE_URL: 'postgresql:///synthcall?host=/run/postgresql' }).DATABASE_URL,
    ).toBe('postgresql:///synthcall?host=/run/postgresql');
  });

  it.each([
    ['not a URL', 'db.internal:5432/synthcall'],
    ['another scheme', 'mysql://u:secret-pw@db/synthcall'],
    ['no host', 'postgres:/synthcall'],
    ['a port that is not a number', 'postgres://u:secret-pw@db:port/synthcall'],
  ])('names DATABASE_URL when it is %s, without echoing the value', (_case, value) => {
    let error: unknown;
    try {
      loadAnalyticsSinkConfig({ DATABASE_URL: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['DATABASE_URL']);
    expect((error as Error).message).toMatch(/DATABASE_URL: must be a PostgreSQL URL/);
    expect((error as Error).message).not.toContain('secret-pw');
  });
});
