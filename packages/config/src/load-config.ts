import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` with a zod object schema keyed by variable names. Returns the typed config or throws a
 * `ConfigError` that lists every bad or missing variable at once, so an operator fixes them in one go.
 *
 * Empty strings count as unset: manifests and `.env` files often carry `FOO=` meaning "not configured", and a
 * default should win over an empty value.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const variable = String(issue.path[0] ?? '(config)');
    const reason =
      input[variable] === undefined && issue.code === 'invalid_type' ? 'missing (required)' : issue.message;
    const line = `${variable}\u0000${reason}`;
    if (seen.has(line)) continue;
    seen.add(line);
    issues.push({ variable, reason });
  }
  throw new ConfigError(issues, { cause: result.error });
}
