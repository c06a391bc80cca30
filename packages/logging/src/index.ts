export { type CreateLoggerOptions, callLogger, createLogger, type Logger, type LogLevel } from './logger.js';
export { PII_KEYS, REDACTED, redactPaths, SECRET_KEYS } from './redaction.js';
