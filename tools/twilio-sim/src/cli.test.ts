import { describe, expect, it } from 'vitest';
import { buildCommand } from './cli.js';
import type { TwilioSimOptions } from './sim.js';

async function parse(args: string[]): Promise<TwilioSimOptions> {
  let seen: TwilioSimOptions | undefined;
  const command = buildCommand(async (options) => {
    seen = options;
  })
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await command.parseAsync(['node', 'twilio-sim', ...args]);
  if (!seen) throw new Error('action did not run');
  return seen;
}

describe('twilio-sim CLI', () => {
  it('listens on loopback unless --host says otherwise, and names itself by --public-url in links', async () => {
    const base = ['--account-sid', `AC${'a'.repeat(32)}`, '--auth-token', 'tok'];
    expect(await parse(base)).toMatchObject({ host: '127.0.0.1' });
    expect((await parse(base)).publicUrl).toBeUndefined();
    expect(
      await parse([...base, '--host', '0.0.0.0', '--public-url', 'http://twilio-sim:8080']),
    ).toMatchObject({
      host: '0.0.0.0',
      publicUrl: 'http://twilio-sim:8080',
    });
  });

  it('maps its flags onto the library options, defaulting to the fast clock', async () => {
    const options = await parse([
      '--account-sid',
      `AC${'a'.repeat(32)}`,
      '--auth-token',
      'tok',
      '--port',
      '4010',
      '--seed',
      '7',
      '--asr-wer',
      '0.1',
      '--audio',
      '--default-answer-twiml',
      '<Response><Say>Hello?</Say></Response>',
      '--conference-hold',
      '5000',
      '--retain-finished',
      '50',
    ]);
    expect(options).toMatchObject({
      defaultAnswerTwiml: '<Response><Say>Hello?</Say></Response>',
      webhookTimeoutMs: 15_000,
      conferenceHoldMs: 5_000,
      retainFinished: 50,
      ringMs: 1_000,
      port: 4010,
      clock: 'fast',
      seed: '7',
      asrWer: 0.1,
      audio: true,
      authToken: 'tok',
    });
  });

  it('rejects a word error rate outside 0-1 and an unknown clock', async () => {
    const base = ['--account-sid', `AC${'a'.repeat(32)}`, '--auth-token', 'tok'];
    await expect(parse([...base, '--asr-wer', '2'])).rejects.toThrow(/between 0 and 1/);
    await expect(parse([...base, '--clock', 'slow'])).rejects.toThrow(/Allowed choices/);
  });

  it('takes applications the sim owns from the start, and rejects a malformed one', async () => {
    const base = ['--account-sid', `AC${'a'.repeat(32)}`, '--auth-token', 'tok'];
    const sid = `AP${'1'.repeat(32)}`;
    expect((await parse(base)).applications).toEqual([]);
    expect(
      (await parse([...base, '--application', `${sid}=http://127.0.0.1:3000/twilio/voice`])).applications,
    ).toEqual([{ sid, voiceUrl: 'http://127.0.0.1:3000/twilio/voice' }]);
    await expect(parse([...base, '--application', 'AP12=http://x'])).rejects.toThrow(/AP<32 hex>/);
  });

  it('requires the credentials', async () => {
    await expect(parse(['--auth-token', 'tok'])).rejects.toThrow(/--account-sid/);
  });
});

describe('startTwilioSim publicUrl', () => {
  it('reports the public URL as its base URL, for the links it hands out', async () => {
    const { startTwilioSim } = await import('./sim.js');
    const sim = await startTwilioSim({
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'tok',
      publicUrl: 'http://twilio-sim:8080/',
    });
    try {
      expect(sim.baseUrl).toBe('http://twilio-sim:8080');
      expect(sim.port).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
