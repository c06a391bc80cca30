import { readFileSync } from 'node:fs';
import { ConfigError } from '@synthcall/config';
import { createLogger, type Logger, type LogLevel } from '@synthcall/logging';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import { ShutdownManager, type SignalSource, type StepOptions } from '@synthcall/shutdown';
import { type OpsServer, waitForSuccessor } from './ops-server.js';
import { type StartFailureContext, startFailureLine } from './start-failure.js';

/** The config every service has (from `serviceEnv`). */
export interface BaseServiceConfig {
  OPS_PORT: number;
  OPS_HOST: string;
  LOG_LEVEL: LogLevel;
  /** Share the ops port with a successor on this machine (SO_REUSEPORT); default false. */
  OPS_REUSE_PORT?: boolean;
  /** With OPS_REUSE_PORT: on SIGTERM, wait up to this long for the successor to be ready; 0 or unset = no wait. */
  HANDOVER_WAIT_MS?: number;
}

/** What `runService` hands to a service's `createApp`. */
export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  registry: Registry;
}

export interface ShutdownStep extends StepOptions {
  name: string;
  run: () => Promise<void> | void;
}

/** What a service's `createApp` returns: its ops server (not listening) and its own ordered shutdown steps. */
export interface ServiceApp {
  ops: OpsServer;
  /**
   * Run after readiness turns 503 and before the ops server closes: stop intake, drain in-flight work, flush
   * producers and clients, in that order.
   */
  shutdownSteps: readonly ShutdownStep[];
}

export interface RunServiceOptions<C extends BaseServiceConfig> {
  service: string;
  version: string;
  /** Usually `() => loadConfig(schema)`; a `ConfigError` becomes a message on stderr and exit code 1. */
  loadConfig: () => C;
  createApp: (context: ServiceContext<C>) => ServiceApp | Promise<ServiceApp>;
  /** Injected for tests; default to the process's. */
  writeStderr?: (text: string) => void;
  exit?: (code: number) => void;
  signalSource?: SignalSource;
  /** Log destination; stdout when omitted. */
  logDestination?: Parameters<typeof createLogger>[0]['destination'];
}

/**
 * The `main` every service shares: config → logger → metrics → app → listen → shutdown manager with signal handlers.
 * Resolves once the service is listening (or has exited on a startup failure).
 */
export async function runService<C extends BaseServiceConfig>({
  service,
  version,
  loadConfig,
  createApp,
  writeStderr = (text) => process.stderr.write(text),
  exit = (code) => process.exit(code),
  signalSource = process,
  logDestination,
}: RunServiceOptions<C>): Promise<void> {
  let config: C;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // No logger yet: its level comes from this very config. A plain message reads best in `kubectl logs`.
    writeStderr(`${service}: ${error.message}\n`);
    exit(1);
    return;
  }

  const logger = createLogger({
    service,
    version,
    level: config.LOG_LEVEL,
    ...(logDestination ? { destination: logDestination } : {}),
  });
  const registry = createMetricsRegistry({ service, version });
  // A failure to start (a port in use, Kafka or the registry unreachable, a bad persona file) ends the process with
  // one line on stderr saying what to do, as a bad variable does; the log keeps the details.
  const failStart = (err: unknown, what: string) => {
    logger.fatal({ err }, what);
    writeStderr(`${startFailureLine(service, err, config as StartFailureContext)}\n`);
  };
  let app: ServiceApp;
  try {
    app = await createApp({ config, logger, registry });
  } catch (err) {
    failStart(err, 'service could not start');
    exit(1);
    return;
  }

  const shutdown = new ShutdownManager({ logger });
  shutdown.add('mark not ready', () => app.ops.markShuttingDown(), { timeoutMs: 1_000 });
  // A rolling restart on the node's network: the successor shares this process's ports (OPS_REUSE_PORT), so work
  // is handed over, not dropped, when this one keeps serving until the successor is ready.
  const handoverMs = config.OPS_REUSE_PORT ? (config.HANDOVER_WAIT_MS ?? 0) : 0;
  if (handoverMs > 0)
    shutdown.add(
      'wait for a successor',
      async () => {
        const t0 = Date.now();
        const ready = await waitForSuccessor({
          host: config.OPS_HOST,
          port: config.OPS_PORT,
          timeoutMs: handoverMs,
        });
        if (ready)
          logger.info(
            { waitedMs: Date.now() - t0 },
            'a successor is ready on the shared ports: handing over',
          );
        else logger.warn({ waitedMs: Date.now() - t0 }, 'no successor answered ready: stopping without one');
      },
      { timeoutMs: handoverMs + 3_000 },
    );
  for (const { name, run, ...options } of app.shutdownSteps) shutdown.add(name, run, options);
  shutdown.add('close ops server', () => app.ops.close(), { timeoutMs: 5_000 });
  shutdown.installSignalHandlers({ exit, source: signalSource });

  try {
    const { address, port } = await app.ops.listen(config.OPS_PORT, config.OPS_HOST, {
      reusePort: config.OPS_REUSE_PORT ?? false,
    });
    logger.info({ host: address, port }, 'ops server listening');
  } catch (err) {
    failStart(err, 'ops server could not start');
    await shutdown.shutdown('startup failed');
    exit(1);
  }
}

/** The `version` of the package.json one level above the calling module (works from both `src/` and `dist/`). */
export function readPackageVersion(moduleUrl: string): string {
  const raw = readFileSync(new URL('../package.json', moduleUrl), 'utf8');
  const { version } = JSON.parse(raw) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}
