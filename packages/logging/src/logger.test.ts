import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callLogger, createLogger } from './logger.js';
import { REDACTED } from './redaction.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, destination };
}

const fixedNow = () => new Date('2026-01-02T03:04:05.678Z');

describe('createLogger', () => {
  it('writes JSON lines with service, version, an ISO time and a level name', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'orchestrator', version: '1.2.3', destination, now: fixedNow }).info('started');
    expect(lines).toEqual([
      expect.objectContaining({
        service: 'orchestrator',
        version: '1.2.3',
        time: '2026-01-02T03:04:05.678Z',
        level: 'info',
        msg: 'started',
      }),
    ]);
  });

  it('drops lines below the configured level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 's', version: 'v', level: 'warn', destination });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });

  it('redacts secrets at the top level and nested inside objects and arrays', () => {
    const { lines, destination } = capture();
    createLogger({ service: 's', version: 'v', destination }).info(
      {
        authToken: 'a1',
        auth_token: 'a2',
        password: 'a3',
        apiKey: 'a4',
        api_key: 'a5',
        writeKey: 'a6',
        OPENAI_API_KEY: 'a7',
        TWILIO_AUTH_TOKEN: 'a8',
        twilio: { client: { authToken: 'a9' } },
        providers: [{ apiKey: 'a10' }],
        req: { headers: { authorization: 'Basic a11', cookie: 'sid=a12', 'x-twilio-signature': 'a13' } },
      },
      'secrets',
    );
    const line = JSON.stringify(lines[0]);
    for (let i = 1; i <= 13; i += 1) expect(line).not.toContain(`a${i}`);
    expect(lines[0]).toMatchObject({
      authToken: REDACTED,
      twilio: { client: { authToken: REDACTED } },
      providers: [{ apiKey: REDACTED }],
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'x-twilio-signature': REDACTED } },
    });
  });

  it('redacts personal data and what callers said, keeping the fields that are not personal', () => {
    const { lines, destination } = capture();
    createLogger({ service: 's', version: 'v', destination }).info(
      {
        customer: { id: 'cust-7', name: 'Dana Reyes', phone: '+15551230000', email: 'dana@example.com' },
        account: { accountNumber: '0042-7788', address: '1 Main St' },
        webhook: {
          CallSid: 'CA123',
          From: '+15551230000',
          To: '+15559870000',
          SpeechResult: 'my card number is',
        },
        event: { turn: 3, text: 'my date of birth is' },
        step: { name: 'flush producer' },
      },
      'pii',
    );
    const line = JSON.stringify(lines[0]);
    for (const value of [
      'Dana Reyes',
      '+1555',
      'dana@example.com',
      '0042-7788',
      '1 Main St',
      'card',
      'birth',
    ]) {
      expect(line).not.toContain(value);
    }
    expect(lines[0]).toMatchObject({
      customer: { id: 'cust-7', name: REDACTED },
      webhook: { CallSid: 'CA123', From: REDACTED },
      event: { turn: 3, text: REDACTED },
      step: { name: 'flush producer' },
    });
  });

  it('redacts extra paths a service asks for', () => {
    const { lines, destination } = capture();
    createLogger({ service: 's', version: 'v', destination, redact: ['sipPassword'] }).info({
      trunk: { sipPassword: 'hunter2' },
    });
    expect(lines[0]).toMatchObject({ trunk: { sipPassword: REDACTED } });
  });
});

describe('callLogger', () => {
  it('binds callId to every line of the child and still redacts', () => {
    const { lines, destination } = capture();
    const logger = callLogger(createLogger({ service: 's', version: 'v', destination }), 'call-42');
    logger.info({ phone: '+15550000000' }, 'turn');
    expect(lines[0]).toMatchObject({ callId: 'call-42', service: 's', phone: REDACTED, msg: 'turn' });
  });

  it('hands out one child per call of a logger, each still naming its own call', () => {
    const { lines, destination } = capture();
    const root = createLogger({ service: 's', version: 'v', destination });
    const first = callLogger(root, 'call-1');
    expect(callLogger(root, 'call-1')).toBe(first);
    const other = callLogger(root, 'call-2');
    expect(other).not.toBe(first);
    // Another logger's child for the same call is its own (its own service, level and destination).
    expect(callLogger(createLogger({ service: 't', version: 'v', destination }), 'call-1')).not.toBe(first);
    first.info('a');
    other.info('b');
    expect(lines.map((l) => [l.callId, l.msg])).toEqual([
      ['call-1', 'a'],
      ['call-2', 'b'],
    ]);
  });
});
