import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { databaseUrlProblem } from '@synthcall/analytics-sink';
import { loadConversationEngineConfig } from '@synthcall/conversation-engine';
import type { EventBus } from '@synthcall/event-bus';
import { MIN_MAX_TURNS, type TOPICS } from '@synthcall/schemas';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { addConsoleCommand, consolePort, DEFAULT_CONSOLE_PORT, untilSignalled } from './console/command.js';
import { watchBus } from './console/live.js';
import { type RunningConsole, startConsole } from './console/start.js';
import { type GenerateSummary, generate } from './embedded.js';
import { brokersOption, registryOption } from './kafka-options.js';
import { realismLines } from './realism.js';
import { summaryLines, writeReport } from './report.js';
import { requestCalls, type SentRequest } from './request.js';
import { readyLines, startUp, UP_STACK_NOTE } from './up.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const STRATEGIES = ['matched', 'random', 'stress', 'coverage'] as const;
/**
 * The turn cap a call gets: the director has a long line said in parts with the listener's "mm-hm" between them
 * (twice the turns of the 19-turn longest plan), and splits only while the plan still fits under the cap.
 */
const DEFAULT_MAX_TURNS = 60;

function positiveInt(name: string, max: number, min = 1, why = '') {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max}${why}, got "${raw}".`,
      );
    }
    return n;
  };
}

/** A call is at least the agent's greeting and the customer's reply (`MIN_MAX_TURNS`, @synthcall/schemas). */
const maxTurnsArg = positiveInt(
  '--max-turns',
  200,
  MIN_MAX_TURNS,
  " (a call is at least the agent's greeting and a reply)",
);

function wholeSeconds(name: string, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number of seconds from 0 to ${max}, got "${raw}".`,
      );
    }
    return n;
  };
}

/** One line per request: what the orchestrator made of it. */
export function verdictLines(sent: SentRequest[], waitSec: number): string[] {
  return sent.map(({ requestId, count, verdict }) => {
    const head = `${count} call(s), requestId ${requestId}`;
    switch (verdict.outcome) {
      case 'accepted':
        return `requested ${head}: accepted, the orchestrator planned ${verdict.firstCallId}`;
      case 'rejected':
        return `refused ${head}: the orchestrator dead-lettered it, ${verdict.code}: ${verdict.reason}`;
      case 'unanswered':
        return (
          `sent ${head}: no call planned within ${waitSec} s; it waits on call-requests until an orchestrator reads it ` +
          '(is `synthcall up` or the cluster running? a requestId sent before places nothing new)'
        );
      default:
        return `sent ${head} (not waiting for the orchestrator: --wait 0)`;
    }
  });
}

function rate(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`must be between 0 and 1, got "${raw}".`);
  return n;
}

function httpUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {}
  throw new InvalidArgumentError(`must be an http(s) URL such as https://api.segment.io, got "${raw}".`);
}

/**
 * The server `npm run model:up` starts (tools/model/model.sh): its address, default model alias, and the calls in
 * flight that suit it: 2 calls are 4 conversations for its 4 slots, so each keeps its prompt cached in a slot (8 calls
 * made the same 2 cores word ~5.8 lines/min instead of ~10.8 with Qwen2.5-Coder-1.5B; docs/benchmarks.md).
 */
const LOCAL_MODEL = { port: '8088', model: 'qwen2.5-coder-1.5b-instruct', concurrency: 2 };

/**
 * The temperature measured to suit each local model (docs/benchmarks.md): Qwen2.5-Coder-1.5B hands the director's line
 * back word for word at 0.3 (24 of 104 lines its own) and rewords it at 0.8 (52 of 104); SmolLM2-135M rambles at 0.8.
 */
const LOCAL_TEMPERATURE: Record<string, string> = {
  'qwen2.5-coder-1.5b-instruct': '0.8',
  'smollm2-135m-instruct': '0.3',
};

/** The model the local server says it serves (`SYNTHCALL_MODEL` chooses it at `model:up`), so labels name the right one. */
async function servedModel(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/models`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    const ids = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    return ids.length === 1 ? ids[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `--provider openai` with neither OPENAI_BASE_URL (or only the local server's) nor OPENAI_API_KEY set means the local model of `npm run model:up`
 * (nothing else could answer): its address, and settings measured to suit a small model on a small machine
 * (docs/benchmarks.md). Each stays overridable by its variable.
 */
async function localModelDefaults(env: NodeJS.ProcessEnv): Promise<Record<string, string> | undefined> {
  const url = `http://127.0.0.1:${env.SYNTHCALL_MODEL_PORT ?? LOCAL_MODEL.port}/v1`;
  // `model:up` prints `export OPENAI_BASE_URL=<this url>`: a shell that exported it still means the local server.
  const local =
    !env.OPENAI_API_KEY && (!env.OPENAI_BASE_URL || env.OPENAI_BASE_URL.replace(/\/+$/, '') === url);
  if (!local) return undefined;
  process.stderr.write(
    `--provider openai: the local model server at ${url} (npm run model:up), with the settings measured for it\n`,
  );
  const model = env.OPENAI_MODEL ?? (await servedModel(url)) ?? LOCAL_MODEL.model;
  return {
    OPENAI_BASE_URL: url,
    OPENAI_MODEL: model,
    LLM_TEMPERATURE: env.LLM_TEMPERATURE ?? LOCAL_TEMPERATURE[model] ?? '0.8',
    // A 1.5B model on two busy cores takes 20–40 s for a cold prompt: at 20 s (the old default) a run beside other work
    // timed out 5 requests, opened the circuit and spoke all 256 lines by template. A simulated call waits for the
    // engine, so a long bound costs nothing but wall time.
    OPENAI_TIMEOUT: env.OPENAI_TIMEOUT ?? '90s',
    OPENAI_MAX_RETRIES: env.OPENAI_MAX_RETRIES ?? '1',
  };
}

/** Fails before any call is placed when the model server does not answer, instead of wording every line by template. */
async function checkModelServer(engine: {
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
}) {
  const base = (engine.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/$/, '');
  let status = 0;
  try {
    const res = await fetch(`${base}/models`, {
      headers: engine.OPENAI_API_KEY ? { authorization: `Bearer ${engine.OPENAI_API_KEY}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    status = res.status;
    await res.body?.cancel();
  } catch {}
  if (status >= 200 && status < 300) return;
  throw Object.assign(
    new Error(
      status === 0
        ? `no model server answers at ${base}: start the local one with \`npm run model:up\`, or set OPENAI_BASE_URL`
        : `the model server at ${base} answered ${status} to GET /models: check OPENAI_API_KEY and OPENAI_BASE_URL`,
    ),
    { code: 'SYNTH_LLM_CONNECTION' },
  );
}

function printSummary(s: GenerateSummary): void {
  const mix = (counts: Record<string, number | undefined>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const lines = [
    '',
    `calls        ${s.finished} of ${s.requested}${s.timedOut ? ' (stopped at the time limit)' : ''}${s.unfinished ? `, ${s.unfinished} unfinished` : ''}`,
    `turns        ${s.turns} (${s.finished ? (s.turns / s.finished).toFixed(1) : 0} per call, ${s.fallbackTurns} fallback)`,
    `end reasons  ${mix(s.endReasons)}`,
    `outcomes     ${mix(s.outcomes)}`,
    `wall time    ${s.wallSec.toFixed(1)} s (${s.callsPerMin.toFixed(1)} calls/min)`,
    `turn latency heard → reply p50 ${s.turnLatencyMs.p50} ms, p99 ${s.turnLatencyMs.p99} ms (${s.turnLatencyMs.samples} turns)`,
    `worded by    ${s.provider.name}${s.provider.model ? ` (${s.provider.model})` : ''}: model ${s.realizedBy.model}, template ${s.realizedBy.template}, fallback ${s.realizedBy.fallback} lines`,
    `llm tokens   prompt ${s.llmTokens.prompt}, completion ${s.llmTokens.completion}`,
    ...(Object.keys(s.templateReasons).length > 0 ? [`template why ${mix(s.templateReasons)}`] : []),
    `dataset      ${s.out}`,
    ...(s.database
      ? [`postgres     ${s.database.calls} calls written in ${s.database.sec.toFixed(1)} s`]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function buildProgram(): Command {
  const program = new Command('synthcall')
    .description(
      'Generate realistic, labelled synthetic contact-center calls: two personas talk over a (simulated) Twilio conference.',
    )
    .version(version)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('generate')
    .description(
      'Run calls end to end in this process on the offline defaults (twilio-sim, scripted dialogue, embedded bus) and write a dataset.',
    )
    .addOption(
      new Option(
        '--provider <name>',
        "who words the director's moves: scripted (offline templates) or openai (a model at OPENAI_BASE_URL, model OPENAI_MODEL; LLM_* settings)",
      )
        .choices(['scripted', 'openai'])
        .env('LLM_PROVIDER')
        .default('scripted'),
    )
    .option('-n, --calls <n>', 'number of calls', positiveInt('--calls', 100_000), 10)
    .option(
      '-s, --seed <seed>',
      'seed: the same seed gives the same calls, transcripts and labels',
      'synthcall',
    )
    .addOption(
      new Option('--strategy <name>', 'how customers are paired with agents')
        .choices(STRATEGIES)
        .default('matched'),
    )
    .option(
      '-c, --concurrency <n>',
      'calls in flight at once (2 with the local model of `npm run model:up`)',
      positiveInt('--concurrency', 500),
      8,
    )
    .option('-o, --out <dir>', 'dataset folder (created if missing)', 'synthcall-dataset')
    .option('--max-turns <n>', 'hard cap on turns per call', maxTurnsArg, DEFAULT_MAX_TURNS)
    .option('--audio', 'render real speech (espeak-ng, one voice per role) and write recordings/<callId>.wav')
    .option('--asr-wer <rate>', 'word error rate of the simulated speech recogniser (0-1)', rate, 0.05)
    .option(
      '--timeout <seconds>',
      'stop waiting after this long and write what finished',
      positiveInt('--timeout', 86_400),
      3600,
    )
    .addOption(
      new Option(
        '--bus <kind>',
        'how the services talk: memory (in-process) or kafka (a real broker + registry)',
      )
        .choices(['memory', 'kafka'])
        .default('memory'),
    )
    .addOption(brokersOption())
    .addOption(registryOption())
    .option(
      '--isolated',
      'with --bus kafka: use topics and consumer groups of this run only (created and left behind)',
    )
    .addOption(
      new Option(
        '--segment-write-key <key>',
        'send the Segment calls (marked synthetic) to Segment instead of <out>/segment.jsonl; prefer the variable',
      ).env('SEGMENT_WRITE_KEY'),
    )
    .addOption(
      new Option('--segment-host <url>', 'with a write key: a Segment-compatible API')
        .env('SEGMENT_HOST')
        .argParser(httpUrl)
        .default('https://api.segment.io'),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'also write the dataset to this PostgreSQL (tables created by the migrations); prefer the variable',
      ).env('DATABASE_URL'),
    )
    .addOption(
      new Option('--log-level <level>', 'service logs on stderr')
        .choices(['silent', 'error', 'warn', 'info', 'debug'])
        .default('silent'),
    )
    .option(
      '--console',
      'serve the web console on 127.0.0.1 while the run goes (Live view) and after it (Calls, Report) until Ctrl-C',
    )
    .option(
      '--console-port <port>',
      'with --console: its port (0 = any free port)',
      consolePort,
      DEFAULT_CONSOLE_PORT,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  npx synthcall generate --calls 100 --seed demo --out ./data\n  npm run model:up && npx synthcall generate --calls 20 --provider openai   # the local model, no account\n  DATABASE_URL=postgres://user:password@127.0.0.1:5432/synthcall npx synthcall generate --calls 10\n\nWrites <out>/manifest.json, calls.jsonl, transcripts/<callId>.json and labels/<callId>.json (and, with a\ndatabase URL, the same calls into its runs, calls, turns, labels, spoken_pii, recordings and intelligence tables).',
    )
    .action(async (opts, cmd: Command) => {
      // Checked here, not by a commander parser: its error would print the URL, password included.
      const problem = opts.databaseUrl ? databaseUrlProblem(String(opts.databaseUrl)) : undefined;
      if (problem) {
        throw Object.assign(new Error(`--database-url / DATABASE_URL ${problem}`), {
          code: 'SYNTH_CONFIG_INVALID',
        });
      }
      // The engine's own config loader: the same variables and checks as the conversation-engine service.
      const local = opts.provider === 'openai' ? await localModelDefaults(process.env) : undefined;
      const engine = loadConversationEngineConfig({
        ...process.env,
        ...local,
        LLM_PROVIDER: opts.provider,
        SYNTHCALL_BUS: 'memory',
        ENGINE_STATE_STORE: 'memory',
      });
      if (engine.LLM_PROVIDER === 'openai') await checkModelServer(engine);
      // A run's live heap is ~100-150 MB, but V8 lets the heap grow to twice that and more between full collections,
      // so peak RSS grew with the run (749 MB at 200 calls, 885 MB at 2,000). Growing it by 20% at a time keeps it
      // near what is live, for a few more collections; unlike a heap cap it cannot make a large run (--audio and
      // --database-url keep every call) run out of memory. docs/benchmarks.md has the figures.
      setFlagsFromString('--heap-growing-percent=20');
      const interactive = process.stderr.isTTY;
      const bar = interactive
        ? new cliProgress.SingleBar(
            { format: 'calls [{bar}] {value}/{total} | {duration_formatted}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let consoleServer: RunningConsole | undefined;
      bar?.start(opts.calls, 0);
      let lastPrinted = 0;
      const summary = await generate({
        calls: opts.calls,
        seed: opts.seed,
        strategy: opts.strategy,
        concurrency:
          local && cmd.getOptionValueSource('concurrency') === 'default'
            ? LOCAL_MODEL.concurrency
            : opts.concurrency,
        out: opts.out,
        maxTurns: opts.maxTurns,
        asrWer: opts.asrWer,
        audio: Boolean(opts.audio),
        timeoutMs: opts.timeout * 1000,
        engine,
        logLevel: opts.logLevel,
        version,
        ...(opts.databaseUrl ? { databaseUrl: String(opts.databaseUrl) } : {}),
        ...(opts.segmentWriteKey
          ? { segment: { writeKey: String(opts.segmentWriteKey), host: String(opts.segmentHost) } }
          : {}),
        transport:
          opts.bus === 'kafka'
            ? {
                kind: 'kafka',
                brokers: String(opts.brokers).split(','),
                registryUrl: opts.registry,
                ...(opts.isolated ? { topicSuffix: `run-${Date.now().toString(36)}` } : {}),
              }
            : { kind: 'memory' },
        ...(opts.console
          ? {
              // The console follows the run on its own bus group and serves the dataset folder as calls are written.
              watch: async (bus: EventBus, topics: typeof TOPICS) => {
                // Its own groups: two runs sharing a name would split the partitions and each miss calls.
                const live = await watchBus({
                  bus,
                  topics,
                  group: `synthcall-console-${randomUUID().slice(0, 8)}`,
                  source: opts.bus,
                });
                consoleServer = await startConsole({
                  dataset: opts.out,
                  datasetMustExist: false,
                  live,
                  host: '127.0.0.1',
                  port: opts.consolePort,
                });
                process.stderr.write(`console      ${consoleServer.url}\n`);
                return live;
              },
            }
          : {}),
        onProgress: (finished, total) => {
          if (bar) bar.update(finished);
          else if (finished === total || finished - lastPrinted >= Math.max(1, Math.floor(total / 10))) {
            lastPrinted = finished;
            process.stderr.write(`calls ${finished}/${total}\n`);
          }
        },
      })
        .catch(async (err: unknown) => {
          await consoleServer?.close();
          throw err;
        })
        .finally(() => bar?.stop());
      printSummary(summary);
      if (summary.timedOut || summary.finished < summary.requested) process.exitCode = 1;
      if (consoleServer) {
        process.stdout.write(
          `console      ${consoleServer.url} (the run is over; Ctrl-C stops the console)\n`,
        );
        await untilSignalled();
        await consoleServer.close();
      }
    });

  program
    .command('request')
    .description('Produce CallRequested messages to a running Kafka (the orchestrator places the calls).')
    .option('-n, --calls <n>', 'calls in the request', positiveInt('--calls', 10_000), 1)
    .option('-s, --seed <seed>', 'seed of pairing and dialogue', 'synthcall')
    .addOption(new Option('--strategy <name>', 'pairing strategy').choices(STRATEGIES).default('matched'))
    .option('--max-turns <n>', 'hard cap on turns per call', maxTurnsArg, DEFAULT_MAX_TURNS)
    .addOption(
      new Option('--mode <mode>', 'simulated (twilio-sim) or live (real Twilio)')
        .choices(['simulated', 'live'])
        .default('simulated'),
    )
    .option('--industry <name...>', 'only customers of these industries')
    .option('--requests <n>', 'number of separate requests to send', positiveInt('--requests', 10_000), 1)
    .option(
      '--request-id <id>',
      'id of the (first) request; re-sending the same id does not create calls twice',
    )
    .option(
      '--wait <seconds>',
      "seconds to wait for the orchestrator's verdict (a planned call, or a refusal with its reason); 0 sends only",
      wholeSeconds('--wait', 3_600),
      30,
    )
    .addOption(
      new Option('--brokers <list>', 'Kafka bootstrap servers')
        .env('KAFKA_BROKERS')
        .default('127.0.0.1:9092'),
    )
    .addOption(
      new Option('--registry <url>', 'Confluent-compatible schema registry URL')
        .env('SCHEMA_REGISTRY_URL')
        .default('http://127.0.0.1:8080/apis/ccompat/v7'),
    )
    .action(async (opts) => {
      const sent = await requestCalls({
        calls: opts.calls,
        seed: opts.seed,
        strategy: opts.strategy,
        maxTurns: opts.maxTurns,
        mode: opts.mode,
        industries: opts.industry ?? [],
        requests: opts.requests,
        requestId: opts.requestId,
        brokers: opts.brokers.split(','),
        registryUrl: opts.registry,
        waitMs: opts.wait * 1000,
      });
      for (const line of verdictLines(sent, opts.wait)) process.stdout.write(`${line}\n`);
      if (sent.some((r) => r.verdict.outcome === 'rejected')) process.exitCode = 1;
    });

  program
    .command('up')
    .description(
      'Start the call loop as separate processes on Kafka: the local stack (unless --brokers/--registry), twilio-sim, ' +
        'orchestrator, twiml-gateway, conversation-engine and analytics-sink; runs until Ctrl-C.',
    )
    .option(
      '-o, --out <dir>',
      'dataset folder the analytics-sink appends to (created if missing)',
      'synthcall-dataset',
    )
    .addOption(
      new Option('--clock <mode>', "twilio-sim's clock: fast (virtual, jumps ahead) or realtime")
        .choices(['fast', 'realtime'])
        .default('fast'),
    )
    .addOption(
      new Option('--brokers <list>', 'use this Kafka instead of the local stack (with --registry)').env(
        'KAFKA_BROKERS',
      ),
    )
    .addOption(
      new Option('--registry <url>', 'Confluent-compatible schema registry URL (with --brokers)').env(
        'SCHEMA_REGISTRY_URL',
      ),
    )
    .option(
      '--max-concurrent-calls <n>',
      'calls in flight at once (per orchestrator replica)',
      positiveInt('--max-concurrent-calls', 500),
      10,
    )
    .option(
      '--replicas <n>',
      'processes of each service on the same topics (at most the partitions of the topics they read: 3 on the local stack)',
      positiveInt('--replicas', 64),
      1,
    )
    .addOption(
      new Option('--log-level <level>', "the services' log level (their lines are prefixed with their name)")
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('warn'),
    )
    .option(
      '--ready-timeout <seconds>',
      'longest wait for every service to be ready',
      positiveInt('--ready-timeout', 3600),
      180,
    )
    .option('--stop-stack', 'on exit also stop the local stack, if this run started it', false)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx synthcall up                         # local stack, dataset in ./synthcall-dataset',
        '  npx synthcall request --calls 5          # in another terminal: place 5 simulated calls',
        '  npx synthcall up --clock realtime --out ./data --log-level info',
        '  npx synthcall up --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8080/apis/ccompat/v7',
        '  npx synthcall up --replicas 2            # two processes of each service, one topic set',
        '',
        UP_STACK_NOTE,
        'The dataset folder gets calls.jsonl (one line per finished call), transcripts/, labels/ and manifest.json.',
      ].join('\n'),
    )
    .action(async (opts) => {
      const print = (line: string) => process.stdout.write(`${line}\n`);
      // Installed before start-up: a Ctrl-C while the stack or the services start still stops the children.
      const aborted = new AbortController();
      const signalled = new Promise<string>((resolve) => {
        const on = (signal: NodeJS.Signals) => {
          if (!aborted.signal.aborted) print(`${signal}: stopping…`);
          aborted.abort();
          resolve(signal);
        };
        process.once('SIGINT', on);
        process.once('SIGTERM', on);
      });
      const up = await startUp({
        signal: aborted.signal,
        ...(opts.brokers ? { brokers: String(opts.brokers).split(',') } : {}),
        ...(opts.registry ? { registryUrl: opts.registry } : {}),
        datasetDir: opts.out,
        clock: opts.clock,
        logLevel: opts.logLevel,
        stopStack: opts.stopStack,
        maxConcurrentCalls: opts.maxConcurrentCalls,
        replicas: opts.replicas,
        readyTimeoutMs: opts.readyTimeout * 1000,
        stopGraceMs: 15_000,
        baseEnv: process.env,
        print,
      });
      for (const line of readyLines(up.addresses)) print(line);
      const reason = await Promise.race([
        signalled,
        up.childExited.then(({ name, code, signal }) => {
          process.exitCode = 1;
          return `${name} exited (${signal ?? `code ${code}`})`;
        }),
      ]);
      print(`stopping (${reason}): services first, then twilio-sim…`);
      await up.stop();
      if (up.addresses.stack !== 'external' && !(opts.stopStack && up.addresses.stack === 'started')) {
        print('the local stack (Kafka + registry) is still running; `npm run stack:down` stops it.');
      }
      print('stopped.');
    });

  addConsoleCommand(program);

  program
    .command('report')
    .description(
      'Compare what Voice Intelligence observed with the ground-truth labels of a dataset: sentiment vs demeanor, ' +
        'call reason vs issue category, PII precision/recall, outcome vs intended outcome; and how much the calls are ' +
        'shaped like recorded calls (turn length, fillers, repairs, holds, recogniser errors, …), against targets.',
    )
    .argument('<dir>', 'dataset folder written by `synthcall generate` (or the analytics-sink)')
    .option('-o, --out <prefix>', 'write <prefix>.md and <prefix>.html instead of <dir>/report.md and .html')
    .addHelpText(
      'after',
      '\nExample:\n  npx synthcall generate --calls 100 --out ./data && npx synthcall report ./data',
    )
    .action(async (dir: string, opts: { out?: string }) => {
      const { report, realism, markdownPath, htmlPath } = await writeReport(dir, opts.out);
      const lines = [
        ...summaryLines(report),
        ...realismLines(realism),
        `report       ${markdownPath}, ${htmlPath}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  return program;
}

/** Entry point of bin/synthcall.js; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    process.stderr.write(
      `synthcall: ${code?.startsWith('SYNTH_') ? `${code}: ` : ''}${(err as Error).message}\n`,
    );
    return 1;
  }
}
