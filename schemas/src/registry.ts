import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { avroTypeOptions, parseSchema, type RawRecordSchema } from './avro.js';
import { SchemaError } from './errors.js';

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

/**
 * What the codecs need from a schema registry. Both adapters produce the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, Avro binary), so bytes from the embedded bus and from Kafka are alike.
 */
export interface SchemaRegistryPort {
  /** Registers the schema under the subject (or finds it) and returns its id. Throws SYNTH_SCHEMA_INCOMPATIBLE. */
  register(subject: string, schema: RawRecordSchema): Promise<number>;
  setCompatibility(subject: string, level: Compatibility): Promise<void>;
  encode(id: number, value: unknown): Promise<Buffer>;
  /** Decodes with the writer's schema, resolved to the `reader` type when given (schema evolution). */
  decode(buffer: Buffer, reader?: avro.Type): Promise<unknown>;
}

const MAGIC_BYTE = 0;

/**
 * Resolvers are costly to build (they compile code); building one per message made decoding 20x slower than
 * encoding. One per (writer id, reader type) is enough.
 */
class ResolverCache {
  private readonly byReader = new WeakMap<avro.Type, Map<number, avro.Resolver>>();
  get(reader: avro.Type, writerId: number, writer: avro.Type): avro.Resolver {
    let perWriter = this.byReader.get(reader);
    if (!perWriter) {
      perWriter = new Map();
      this.byReader.set(reader, perWriter);
    }
    let resolver = perWriter.get(writerId);
    if (!resolver) {
      resolver = reader.createResolver(writer);
      perWriter.set(writerId, resolver);
    }
    return resolver;
  }
}

export function readSchemaId(buffer: Buffer): number {
  if (buffer.length < 5 || buffer[0] !== MAGIC_BYTE) {
    throw new SchemaError(
      'SYNTH_DECODE_FAILED',
      `not Confluent wire format: expected magic byte 0 and a 4-byte schema id, got ${buffer.length} bytes starting ${buffer.subarray(0, 5).toString('hex') || '(empty)'}`,
    );
  }
  return buffer.readInt32BE(1);
}

/**
 * An in-process registry for the embedded bus: same wire format, same BACKWARD checks (a new version must be able to
 * read data written with the latest one), no network.
 */
export class LocalSchemaRegistry implements SchemaRegistryPort {
  private readonly byId = new Map<number, avro.Type>();
  private readonly idByFingerprint = new Map<string, number>();
  private readonly subjects = new Map<string, number[]>();
  private readonly compatibility = new Map<string, Compatibility>();
  private nextId = 1;
  private readonly resolvers = new ResolverCache();

  constructor(private readonly defaultCompatibility: Compatibility = 'BACKWARD') {}

  async register(subject: string, schema: RawRecordSchema): Promise<number> {
    const type = parseSchema(schema);
    const fingerprint = type.fingerprint('sha256').toString('hex');
    const versions = this.subjects.get(subject) ?? [];
    const known = this.idByFingerprint.get(fingerprint);
    if (known !== undefined && versions.includes(known)) return known;

    const level = this.compatibility.get(subject) ?? this.defaultCompatibility;
    const latest = versions.at(-1);
    if (latest !== undefined && level !== 'NONE') {
      const previous = this.byId.get(latest) as avro.Type;
      const checks: Array<[avro.Type, avro.Type]> = [];
      if (level.startsWith('BACKWARD') || level === 'FULL') checks.push([type, previous]);
      if (level === 'FORWARD' || level === 'FULL') checks.push([previous, type]);
      for (const [reader, writer] of checks) {
        try {
          reader.createResolver(writer);
        } catch (cause) {
          throw new SchemaError(
            'SYNTH_SCHEMA_INCOMPATIBLE',
            `schema for subject ${subject} is not ${level}-compatible with version ${versions.length}: ${(cause as Error).message}`,
            { cause },
          );
        }
      }
    }
    const id = known ?? this.nextId++;
    this.byId.set(id, type);
    this.idByFingerprint.set(fingerprint, id);
    this.subjects.set(subject, [...versions, id]);
    return id;
  }

  async setCompatibility(subject: string, level: Compatibility): Promise<void> {
    this.compatibility.set(subject, level);
  }

  async encode(id: number, value: unknown): Promise<Buffer> {
    const type = this.byId.get(id);
    if (!type)
      throw new SchemaError('SYNTH_SCHEMA_MISMATCH', `no schema with id ${id} in the local registry`);
    const header = Buffer.alloc(5);
    header.writeUInt8(MAGIC_BYTE, 0);
    header.writeInt32BE(id, 1);
    return Buffer.concat([header, type.toBuffer(value)]);
  }

  async decode(buffer: Buffer, reader?: avro.Type): Promise<unknown> {
    const id = readSchemaId(buffer);
    const writer = this.byId.get(id);
    if (!writer) throw new SchemaError('SYNTH_DECODE_FAILED', `unknown schema id ${id}`);
    const payload = buffer.subarray(5);
    if (!reader) return writer.fromBuffer(payload);
    return reader.fromBuffer(payload, this.resolvers.get(reader, id, writer));
  }
}

export interface ConfluentRegistryOptions {
  /** Base URL of a Confluent-compatible API, e.g. http://127.0.0.1:8080/apis/ccompat/v7 for Apicurio. */
  url: string;
  clientId?: string;
  /** Request timeout per registry call. */
  timeoutMs?: number;
}

/** A Confluent-compatible registry over HTTP (Confluent, Apicurio's ccompat API), via @kafkajs/confluent-schema-registry. */
export class ConfluentSchemaRegistry implements SchemaRegistryPort {
  private readonly client: SchemaRegistry;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly resolvers = new ResolverCache();

  constructor(options: ConfluentRegistryOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.client = new SchemaRegistry(
      { host: this.url, clientId: options.clientId ?? 'synthcall', retry: { retries: 2 } },
      { [SchemaType.AVRO]: avroTypeOptions },
    );
  }

  async register(subject: string, schema: RawRecordSchema): Promise<number> {
    try {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject },
      );
      return id;
    } catch (cause) {
      const status = (cause as { status?: number }).status;
      if (status === 409) {
        throw new SchemaError(
          'SYNTH_SCHEMA_INCOMPATIBLE',
          `registry ${this.url} rejected the schema for subject ${subject} as incompatible: ${(cause as Error).message}`,
          { cause },
        );
      }
      throw new SchemaError(
        'SYNTH_REGISTRY_UNAVAILABLE',
        `registering subject ${subject} at ${this.url} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  async setCompatibility(subject: string, level: Compatibility): Promise<void> {
    // Apicurio does not enforce BACKWARD on registration unless a rule is set per subject (kafka-stack.md §2.1), so
    // every subject gets it explicitly.
    const res = await fetch(`${this.url}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: level }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) {
      throw new SchemaError(
        'SYNTH_REGISTRY_UNAVAILABLE',
        `setting ${level} on subject ${subject} at ${this.url} failed: HTTP ${res.status} ${await res.text()}`,
      );
    }
  }

  async encode(id: number, value: unknown): Promise<Buffer> {
    return this.client.encode(id, value);
  }

  async decode(buffer: Buffer, reader?: avro.Type): Promise<unknown> {
    const id = readSchemaId(buffer);
    if (!reader) return this.client.decode(buffer);
    // The client caches writer schemas by id (parsed with our logical types); resolution is ours, cached.
    const writer = (await this.client.getSchema(id)) as unknown as avro.Type;
    return reader.fromBuffer(buffer.subarray(5), this.resolvers.get(reader, id, writer));
  }
}
