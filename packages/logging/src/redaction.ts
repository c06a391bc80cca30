/**
 * Keys whose values never reach a log line. pino's redaction matches paths, not key names anywhere, so each key
 * is expanded to a path at every depth up to `REDACT_DEPTH` (arrays included, via the `*` wildcard).
 */
export const SECRET_KEYS = [
  'authToken',
  'auth_token',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'writeKey',
  'write_key',
  'authorization',
  'cookie',
  'set-cookie',
  'x-twilio-signature',
  'OPENAI_API_KEY',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_SECRET',
  'SEGMENT_WRITE_KEY',
  'DATABASE_URL',
  'SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD',
] as const;

/**
 * Personal data: contact details and everything a caller says. Twilio webhook parameters carry phone numbers in
 * From/To/Caller/Called and speech in SpeechResult, so those are listed under their Twilio names too. `name` alone is
 * not listed (too many harmless names: steps, topics); customer names are caught through `customer.name` and
 * `customerName`.
 */
export const PII_KEYS = [
  'phone',
  'phoneNumber',
  'phone_number',
  'email',
  'address',
  'accountNumber',
  'account_number',
  'customerName',
  'contact',
  'dateOfBirth',
  'ssn',
  'From',
  'To',
  'Caller',
  'Called',
  'SpeechResult',
  'UnstableSpeechResult',
  'text',
  'said',
  'heard',
  'utterance',
  'transcript',
  'sentences',
] as const;

/** Paths (not bare keys) that are PII only in context. */
const PII_PATHS = ['customer.name', 'persona.name'] as const;

const REDACT_DEPTH = 4;

function atEveryDepth(path: string): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= REDACT_DEPTH; depth += 1) {
    paths.push([...Array<string>(depth).fill('*'), path].join('.'));
  }
  return paths;
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}

export const REDACTED = '[REDACTED]';

export function redactPaths(extra: readonly string[] = []): string[] {
  const bare = [...SECRET_KEYS, ...PII_KEYS].map(keyPath);
  return [...bare, ...PII_PATHS, ...extra].flatMap(atEveryDepth);
}
