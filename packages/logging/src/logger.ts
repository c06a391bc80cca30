import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { REDACTED, redactPaths } from './redaction.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  service: string;
  version: string;
  level?: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
  /** Extra redaction paths, e.g. a service-specific secret. */
  redact?: readonly string[];
  /** Injected clock for the `time` field. */
  now?: () => Date;
}

export function createLogger({
  service,
  version,
  level = 'info',
  destination,
  redact = [],
  now = () => new Date(),
}: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, version },
    timestamp: () => `,"time":"${now().toISOString()}"`,
    // Level names rather than numbers: log pipelines (Loki, Cloud Logging) filter on strings.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(redact), censor: REDACTED },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** How many calls' child loggers each logger keeps for reuse: far more than are in flight at once. */
const CALL_LOGGERS_KEPT = 1_000;
const callLoggers = new WeakMap<Logger, Map<string, Logger>>();

/**
 * A child logger for one call: every line carries `callId`, so a call's story can be filtered out of the stream.
 * The same child is handed out again for the same call (the newest `CALL_LOGGERS_KEPT` calls of each logger): pino
 * serialises and redacts a child's bindings when it is made, and a call asks for its logger at every webhook and
 * event, most of which log nothing.
 */
export function callLogger(logger: Logger, callId: string): Logger {
  let children = callLoggers.get(logger);
  if (!children) {
    children = new Map();
    callLoggers.set(logger, children);
  }
  let child = children.get(callId);
  if (!child) {
    child = logger.child({ callId });
    children.set(callId, child);
    if (children.size > CALL_LOGGERS_KEPT) children.delete(children.keys().next().value as string);
  }
  return child;
}
