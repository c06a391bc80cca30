import { createServer } from 'node:net';
import { SchemaError } from '@synthcall/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { OpsServerError } from './errors.js';
import { startFailureLine } from './start-failure.js';

/** The error Node gives a second listener on a port (no mock: a real server holds the port). */
async function portInUseError(): Promise<{ err: Error; port: number }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as { port: number };
  const second = createServer();
  const err = await new Promise<Error>((resolve) => {
    second.once('error', resolve);
    second.listen(port, '127.0.0.1');
  });
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  return { err, port };
}

describe('startFailureLine', () => {
  it('names the address and port in use and what to do, also when wrapped', async () => {
    const { err, port } = await portInUseError();
    const wrapped = new OpsServerError('SYNTH_OPS_LISTEN_FAILED', 'ops server could not listen', {
      cause: err,
    });
    for (const e of [err, wrapped])
      expect(startFailureLine('twiml-gateway', e)).toBe(
        `twiml-gateway: cannot listen on 127.0.0.1:${port}: the port is in use. Stop what listens there or choose another port (PORT, OPS_PORT).`,
      );
  });

  it('says Kafka is unreachable at the configured brokers, from the error kafkajs really gives', async () => {
    const kafka = new Kafka({
      brokers: ['127.0.0.1:1'],
      clientId: 'start-failure-test',
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    const err = await admin.connect().then(
      () => new Error('connected to port 1?'),
      (e: unknown) => e,
    );
    const line = startFailureLine('orchestrator', err, { KAFKA_BROKERS: ['127.0.0.1:1'] });
    expect(line).toMatch(
      /^orchestrator: cannot reach Kafka at 127\.0\.0\.1:1: .*ECONNREFUSED.*\. Start it \(npm run stack:up\) or set KAFKA_BROKERS\.$/,
    );
    expect(line).not.toContain('\n');
  });

  it('says the schema registry is unreachable, naming its URL', () => {
    const err = new SchemaError(
      'SYNTH_REGISTRY_UNAVAILABLE',
      'registering subject calls-value failed: fetch failed',
    );
    expect(startFailureLine('analytics-sink', err, { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })).toBe(
      'analytics-sink: cannot reach the schema registry at http://127.0.0.1:1: registering subject calls-value failed: fetch failed. Start it (npm run stack:up) or set SCHEMA_REGISTRY_URL.',
    );
  });

  it('gives any other failure as its SYNTH_ code and message, never a stack', () => {
    const err = Object.assign(
      new Error('customers.json: customers[1]: name: must be at most 100 characters'),
      {
        code: 'SYNTH_PERSONA_INVALID',
      },
    );
    expect(startFailureLine('orchestrator', err)).toBe(
      'orchestrator: SYNTH_PERSONA_INVALID: customers.json: customers[1]: name: must be at most 100 characters',
    );
    expect(startFailureLine('orchestrator', 'a string')).toBe('orchestrator: a string');
    const looped = new Error('loop');
    (looped as { cause?: unknown }).cause = looped;
    expect(startFailureLine('x', looped)).toBe('x: loop');
  });
});
