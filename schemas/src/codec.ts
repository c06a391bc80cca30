import { avroType, type EventSchemaName, rawSchema } from './avro.js';
import { SchemaError } from './errors.js';
import type { Compatibility, SchemaRegistryPort } from './registry.js';
import { type EventTypes, type TopicBinding, valueSubject } from './topics.js';

/**
 * Encodes and decodes topic values in the Confluent wire format through a registry port. The first use of a topic
 * registers its schema under `<topic>-value` with BACKWARD compatibility; later uses hit the cache.
 */
export class EventCodec {
  private readonly ids = new Map<string, Promise<number>>();

  constructor(
    private readonly registry: SchemaRegistryPort,
    private readonly compatibility: Compatibility = 'BACKWARD',
  ) {}

  /** Registers the topic's schema (idempotent). Call at start-up to fail fast on an incompatible change. */
  ensureRegistered(topic: TopicBinding): Promise<number> {
    const subject = valueSubject(topic.name);
    let id = this.ids.get(subject);
    if (!id) {
      id = (async () => {
        await this.registry.setCompatibility(subject, this.compatibility);
        return this.registry.register(subject, rawSchema(topic.schema));
      })();
      // A failed registration must not be cached forever: the next call retries.
      id.catch(() => this.ids.delete(subject));
      this.ids.set(subject, id);
    }
    return id;
  }

  async encode<S extends EventSchemaName>(topic: TopicBinding<S>, value: EventTypes[S]): Promise<Buffer> {
    assertValid(topic.schema, value);
    const id = await this.ensureRegistered(topic);
    return this.registry.encode(id, value);
  }

  async decode<S extends EventSchemaName>(topic: TopicBinding<S>, buffer: Buffer): Promise<EventTypes[S]> {
    try {
      return (await this.registry.decode(buffer, avroType(topic.schema))) as EventTypes[S];
    } catch (cause) {
      if (cause instanceof SchemaError) throw cause;
      throw new SchemaError(
        'SYNTH_DECODE_FAILED',
        `cannot decode a ${topic.schema} from topic ${topic.name}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

/** Throws SYNTH_SCHEMA_MISMATCH naming every field path that does not fit the schema. */
export function assertValid(schema: EventSchemaName, value: unknown): void {
  const problems: string[] = [];
  const valid = avroType(schema).isValid(value, {
    errorHook: (path: string[], got: unknown) => {
      problems.push(`${path.join('.') || '(root)'}: got ${describe(got)}`);
    },
  });
  if (!valid) {
    throw new SchemaError('SYNTH_SCHEMA_MISMATCH', `invalid ${schema}: ${problems.join('; ')}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (value === null) return 'null';
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  const text = JSON.stringify(value);
  return `${typeof value} ${text && text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
