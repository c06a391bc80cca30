/** What a start-up failure line may name from the service's config. */
export interface StartFailureContext {
  KAFKA_BROKERS?: readonly string[] | undefined;
  SCHEMA_REGISTRY_URL?: string | undefined;
}

interface Cause {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first (bounded: a cause chain can loop). */
function chain(err: unknown): Cause[] {
  const found: Cause[] = [];
  let at: unknown = err;
  while (at && typeof at === 'object' && found.length < 8 && !found.includes(at as Cause)) {
    found.push(at as Cause);
    at = (at as Cause).cause;
  }
  return found;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * One line for stderr saying why a service could not start and what to do about it: no stack trace (the log has the
 * details). A port in use, Kafka or the registry unreachable are named as such; anything else is its code and message.
 */
export function startFailureLine(service: string, err: unknown, context: StartFailureContext = {}): string {
  const causes = chain(err);
  const outer = causes[0];
  const message = outer ? text(outer.message) || String(err) : String(err);
  const listen = causes.find((c) => c.code === 'EADDRINUSE' || c.code === 'EACCES');
  if (listen) {
    const where = `${text(listen.address) || '0.0.0.0'}:${String(listen.port ?? '?')}`;
    return listen.code === 'EADDRINUSE'
      ? `${service}: cannot listen on ${where}: the port is in use. Stop what listens there or choose another port (PORT, OPS_PORT).`
      : `${service}: cannot listen on ${where}: permission denied. Choose a port above 1023 (PORT, OPS_PORT).`;
  }
  if (causes.some((c) => text(c.name).startsWith('KafkaJS'))) {
    const brokers = context.KAFKA_BROKERS?.join(',') || '(KAFKA_BROKERS unset)';
    const innermost =
      causes
        .map((c) => text(c.message))
        .filter(Boolean)
        .at(-1) ?? message;
    return `${service}: cannot reach Kafka at ${brokers}: ${innermost}. Start it (npm run stack:up) or set KAFKA_BROKERS.`;
  }
  if (causes.some((c) => c.code === 'SYNTH_REGISTRY_UNAVAILABLE')) {
    const registry = context.SCHEMA_REGISTRY_URL || '(SCHEMA_REGISTRY_URL unset)';
    return `${service}: cannot reach the schema registry at ${registry}: ${message}. Start it (npm run stack:up) or set SCHEMA_REGISTRY_URL.`;
  }
  const code = text(outer?.code);
  return `${service}: ${code.startsWith('SYNTH_') ? `${code}: ` : ''}${message}`;
}
