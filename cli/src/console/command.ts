import { randomUUID } from 'node:crypto';
import { busFromConfig, type EventBus } from '@synthcall/event-bus';
import { TOPICS } from '@synthcall/schemas';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { brokersOption, registryOption } from '../kafka-options.js';
import { type LiveWatch, watchBus } from './live.js';
import { type RunningConsole, startConsole } from './start.js';

export const DEFAULT_CONSOLE_PORT = 7410;

export function consolePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError(`must be a port from 0 (any free one) to 65535, got "${raw}".`);
  return n;
}

/** Resolves on Ctrl-C or SIGTERM. */
export function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

/** `synthcall console`: the web console over a dataset folder, and a live run on Kafka. */
export function addConsoleCommand(program: Command): void {
  program
    .command('console')
    .description(
      'Serve a read-only web console: Live (calls in progress on Kafka), Calls (a dataset folder, filterable and ' +
        'searchable), a call (transcript, audio, PII, Voice Intelligence beside the ground truth) and the Report.',
    )
    .option('-d, --dataset <dir>', 'dataset folder written by `synthcall generate` or `synthcall up`')
    .addOption(
      new Option(
        '--bus <kind>',
        'follow live calls: kafka (a `synthcall up` or a cluster); the in-process bus is `generate --console`',
      ).choices(['memory', 'kafka']),
    )
    .addOption(brokersOption())
    .addOption(registryOption())
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', consolePort, DEFAULT_CONSOLE_PORT)
    .option(
      '--host <address>',
      'address to listen on; anything but loopback shows the data to the network',
      '127.0.0.1',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx synthcall console --dataset ./data                 # then open http://127.0.0.1:7410/',
        '  npx synthcall up --out ./data & npx synthcall console --dataset ./data --bus kafka',
        '  npx synthcall generate --calls 50 --console            # watch a run in progress, then browse it',
      ].join('\n'),
    )
    .action(async (opts) => {
      if (!opts.dataset && !opts.bus)
        throw new InvalidArgumentError('give --dataset DIR, --bus kafka, or both (see --help)');
      if (opts.bus === 'memory') {
        throw Object.assign(
          new Error(
            'the memory bus lives inside one process: run `synthcall generate --console` to watch a run on it, ' +
              'or `synthcall console --bus kafka` beside `synthcall up`',
          ),
          { code: 'SYNTH_CONFIG_INVALID' },
        );
      }
      const signalled = untilSignalled();
      let live: LiveWatch | undefined;
      let bus: EventBus | undefined;
      let running: RunningConsole | undefined;
      try {
        if (opts.bus === 'kafka') {
          const id = randomUUID().slice(0, 8);
          bus = busFromConfig(
            {
              SYNTHCALL_BUS: 'kafka',
              KAFKA_BROKERS: String(opts.brokers).split(','),
              SCHEMA_REGISTRY_URL: opts.registry,
            },
            { clientId: `synthcall-console-${id}` },
          );
          live = await watchBus({ bus, topics: TOPICS, group: `synthcall-console-${id}`, source: 'kafka' });
        }
        running = await startConsole({
          ...(opts.dataset ? { dataset: String(opts.dataset) } : {}),
          datasetMustExist: true,
          ...(live ? { live } : {}),
          host: opts.host,
          port: opts.port,
        });
        process.stdout.write(`console      ${running.url} (Ctrl-C stops it)\n`);
        await signalled;
      } finally {
        await running?.close();
        await live?.close();
        await bus?.close();
      }
    });
}
