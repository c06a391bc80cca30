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

/** A child logger for one call: every line carries `callId`, so a call's story can be filtered out of the stream. */
export function callLogger(logger: Logger, callId: string): Logger {
  return logger.child({ callId });
}
