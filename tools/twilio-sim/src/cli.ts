import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_RETAIN_FINISHED, startTwilioSim, type TwilioSimOptions } from './sim.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

function millis(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive integer (milliseconds)');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** `AP…=<voice URL>`: an application the sim owns from the start (repeatable). */
function application(
  value: string,
  previous: NonNullable<TwilioSimOptions['applications']>,
): NonNullable<TwilioSimOptions['applications']> {
  const match = /^(AP[0-9a-fA-F]{32})=(https?:\/\/\S+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected AP<32 hex>=<http(s) voice URL>');
  return [...previous, { sid: match[1] as string, voiceUrl: match[2] as string }];
}

export function buildCommand(run: (options: TwilioSimOptions) => Promise<void>): Command {
  return new Command('twilio-sim')
    .description(
      'An offline Twilio on 127.0.0.1 (REST v2010 + Intelligence v2, signed webhooks, TwiML, conferences, ' +
        'recordings). Point the official SDK at it with a custom httpClient; see the README.',
    )
    .requiredOption('--account-sid <sid>', 'account SID clients authenticate with (AC + 32 hex)')
    .requiredOption('--auth-token <token>', 'auth token: Basic auth password and webhook signing key')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 0)
    .option('--host <address>', 'interface to listen on (0.0.0.0 in a container)', '127.0.0.1')
    .option(
      '--public-url <url>',
      'URL others reach the sim at, used in RecordingUrl (default http://127.0.0.1:<port>)',
    )
    .addOption(
      new Option('--clock <mode>', 'realtime, or fast: a virtual clock that jumps to the next event')
        .choices(['realtime', 'fast'])
        .default('fast'),
    )
    .option('--seed <seed>', 'seed for SIDs and ASR noise: the same seed replays the same run', 'twilio-sim')
    .option('--asr-wer <rate>', 'word error rate of the simulated speech recogniser, 0-1', rate, 0.05)
    .option('--audio', 'render speech into recordings with espeak-ng (default: silent WAVs)', false)
    .option('--webhook-timeout <ms>', "webhook response limit (Twilio's is 15000)", millis, 15_000)
    .option('--ring <ms>', 'call time from dialling to the far end answering', millis, 1_000)
    .option(
      '--conference-hold <ms>',
      'fast clock: real ms a conference waits for its next participant before time moves on without it',
      millis,
      2_000,
    )
    .option(
      '--retain-finished <n>',
      'finished calls, conferences, recordings and transcripts kept for REST, newest first (each kind)',
      count,
      DEFAULT_RETAIN_FINISHED,
    )
    .option(
      '--default-answer-twiml <twiml>',
      'TwiML that answers calls to numbers the sim does not own',
      '<Response><Pause length="3600"/></Response>',
    )
    .option(
      '--application <sid=url>',
      'an application the sim owns from the start, so a deployment can dial app:<sid> without creating it ' +
        '(repeatable; its voice webhook is POSTed)',
      application,
      [],
    )
    .showHelpAfterError()
    .action(async (opts: Record<string, unknown>) => {
      await run({
        accountSid: opts.accountSid as string,
        authToken: opts.authToken as string,
        port: opts.port as number,
        host: opts.host as string,
        ...(opts.publicUrl ? { publicUrl: opts.publicUrl as string } : {}),
        clock: opts.clock as 'realtime' | 'fast',
        seed: opts.seed as string,
        asrWer: opts.asrWer as number,
        audio: opts.audio as boolean,
        webhookTimeoutMs: opts.webhookTimeout as number,
        defaultAnswerTwiml: opts.defaultAnswerTwiml as string,
        ringMs: opts.ring as number,
        conferenceHoldMs: opts.conferenceHold as number,
        retainFinished: opts.retainFinished as number,
        applications: opts.application as NonNullable<TwilioSimOptions['applications']>,
      });
    });
}

/** Runs the sim until SIGINT/SIGTERM. Handlers are registered here, never on import. */
export async function main(argv: string[]): Promise<void> {
  await buildCommand(async (options) => {
    const sim = await startTwilioSim({
      ...options,
      onError: (error) => process.stderr.write(`twilio-sim: internal error: ${String(error)}\n`),
    });
    process.stdout.write(`twilio-sim listening on ${sim.baseUrl} (clock ${String(options.clock)})\n`);
    const stop = () => {
      void sim.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Spawned by `synthcall up` with an IPC channel: stop when that parent dies without stopping us.
    if (process.connected) process.once('disconnect', stop);
  }).parseAsync(argv);
}
