import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AVRO_NAMESPACE,
  avroType,
  EVENT_SCHEMA_NAMES,
  parseSchema,
  type RawRecordSchema,
  rawSchema,
} from './avro.js';
import { EventCodec } from './codec.js';
import { generateTypeScript } from './codegen.js';
import { SchemaError } from './errors.js';
import { exampleEvents } from './examples.js';
import { LocalSchemaRegistry } from './registry.js';
import { bindTopic, TOPICS, topicSpecs } from './topics.js';

type Json = Record<string, unknown>;

/** Walks every record in a schema, including nested ones, with its path. */
function* records(schema: unknown, path: string): Generator<{ path: string; record: RawRecordSchema }> {
  if (Array.isArray(schema)) {
    for (const member of schema) yield* records(member, path);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  const o = schema as Json;
  if (o.type === 'record') {
    const record = o as unknown as RawRecordSchema;
    yield { path, record };
    for (const f of record.fields) yield* records(f.type, `${path}.${f.name}`);
  } else if (o.type === 'array') yield* records(o.items, path);
  else if (o.type === 'map') yield* records(o.values, path);
}

describe('Avro schemas', () => {
  it.each(EVENT_SCHEMA_NAMES)(
    '%s has a namespace, a doc and a doc on every field, nested ones too',
    (name) => {
      const schema = rawSchema(name);
      expect(schema.namespace).toBe(AVRO_NAMESPACE);
      for (const { path, record } of records(schema, name)) {
        expect(record.doc, `${path} record doc`).toMatch(/\w/);
        for (const field of record.fields) expect(field.doc, `${path}.${field.name} doc`).toMatch(/\w{3}/);
      }
    },
  );

  it.each(EVENT_SCHEMA_NAMES)('%s stores every *At time as a timestamp-millis long', (name) => {
    for (const { path, record } of records(rawSchema(name), name)) {
      for (const field of record.fields.filter((f) => f.name.endsWith('At'))) {
        expect(field.type, `${path}.${field.name}`).toEqual({
          type: 'long',
          logicalType: 'timestamp-millis',
        });
      }
    }
  });

  it('closed sets are enums: role, end reason, strategy, outcome, mode, lifecycle type', () => {
    const enumNames = new Set<string>();
    const collect = (t: unknown): void => {
      if (Array.isArray(t)) {
        for (const member of t) collect(member);
        return;
      }
      if (!t || typeof t !== 'object') return;
      const o = t as Json;
      if (o.type === 'enum') enumNames.add(o.name as string);
      if (o.type === 'record') for (const f of o.fields as Json[]) collect(f.type);
      if (o.type === 'array') collect(o.items);
    };
    for (const n of EVENT_SCHEMA_NAMES) collect(rawSchema(n));
    expect([...enumNames]).toEqual(
      expect.arrayContaining([
        'Role',
        'EndReason',
        'PairingStrategy',
        'Outcome',
        'CallMode',
        'LifecycleType',
      ]),
    );
  });

  it('the checked-in TypeScript types equal a fresh generation from the .avsc files', () => {
    const checkedIn = readFileSync(new URL('./generated/events.ts', import.meta.url), 'utf8');
    expect(generateTypeScript(EVENT_SCHEMA_NAMES.map((n) => rawSchema(n)))).toBe(checkedIn);
  });

  it('code generation refuses two different shapes under one type name', () => {
    const a: RawRecordSchema = { type: 'record', name: 'A', fields: [{ name: 'x', type: 'string' }] };
    const b: RawRecordSchema = {
      type: 'record',
      name: 'B',
      fields: [{ name: 'a', type: { type: 'record', name: 'A', fields: [{ name: 'x', type: 'int' }] } }],
    };
    expect(() => generateTypeScript([a, b])).toThrow(/A is defined twice/);
  });
});

describe('topic manifest', () => {
  it('gives every schema exactly one topic and keys every call topic by callId', () => {
    const specs = topicSpecs();
    expect(specs.map((s) => s.schema).sort()).toEqual([...EVENT_SCHEMA_NAMES].sort());
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const s of specs.filter((s) => !['call-requests', 'dead-letters'].includes(s.name))) {
      expect(s.key, s.name).toBe('callId');
    }
  });

  it('compacts the conversation-state changelog and nothing else', () => {
    const compacted = topicSpecs().filter((s) => s.config['cleanup.policy'] === 'compact');
    expect(compacted.map((s) => s.name)).toEqual([TOPICS.conversationState.name]);
  });
});

describe('EventCodec on the local registry', () => {
  const events = exampleEvents('call-42');

  it.each(EVENT_SCHEMA_NAMES)('round-trips an example %s in the Confluent wire format', async (name) => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const topic = bindTopic(name, `t-${name}`);
    const bytes = await codec.encode(topic, events[name]);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBeGreaterThan(0);
    expect(await codec.decode(topic, bytes)).toEqual(events[name]);
  });

  it('decodes timestamps as Dates with millisecond precision', async () => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const topic = bindTopic('ReplyReady', 'replies');
    const value = { ...events.ReplyReady, producedAt: new Date('2026-03-01T12:34:56.789Z') };
    const decoded = await codec.decode(topic, await codec.encode(topic, value));
    expect(decoded.producedAt).toBeInstanceOf(Date);
    expect(decoded.producedAt.toISOString()).toBe('2026-03-01T12:34:56.789Z');
  });

  it('rejects a value that does not fit, naming the field and what it got', async () => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const bad = { ...events.UtteranceHeard, turn: 'three' } as unknown as typeof events.UtteranceHeard;
    const err = await codec.encode(bindTopic('UtteranceHeard', 'u'), bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as SchemaError).code).toBe('SYNTH_SCHEMA_MISMATCH');
    expect((err as SchemaError).message).toContain('turn: got string "three"');
  });

  it('rejects bytes that are not in the wire format with SYNTH_DECODE_FAILED', async () => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const err = await codec
      .decode(bindTopic('CallPlanned', 'c'), Buffer.from('{"json":true}'))
      .catch((e) => e);
    expect((err as SchemaError).code).toBe('SYNTH_DECODE_FAILED');
  });

  it('rejects truncated Avro after a valid header with SYNTH_DECODE_FAILED', async () => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const topic = bindTopic('CallPlanned', 'c');
    const bytes = await codec.encode(topic, events.CallPlanned);
    const err = await codec.decode(topic, bytes.subarray(0, 12)).catch((e) => e);
    expect((err as SchemaError).code).toBe('SYNTH_DECODE_FAILED');
  });
});

describe('LocalSchemaRegistry compatibility', () => {
  const v1 = rawSchema('UtteranceHeard');
  const withField = (field: RawRecordSchema['fields'][number]): RawRecordSchema => ({
    ...v1,
    fields: [...v1.fields, field],
  });

  it('accepts a BACKWARD-compatible change (a new field with a default) and reads old data with it', async () => {
    const registry = new LocalSchemaRegistry();
    const id1 = await registry.register('u-value', v1);
    const v2 = withField({ name: 'language', type: 'string', default: 'en-US', doc: 'x' });
    const id2 = await registry.register('u-value', v2);
    expect(id2).not.toBe(id1);
    const old = await registry.encode(id1, exampleEvents().UtteranceHeard);
    expect(await registry.decode(old, parseSchema(v2))).toMatchObject({ language: 'en-US' });
  });

  it('rejects a BACKWARD-incompatible change (a new field without a default)', async () => {
    const registry = new LocalSchemaRegistry();
    await registry.register('u-value', v1);
    const err = await registry
      .register('u-value', withField({ name: 'language', type: 'string', doc: 'x' }))
      .catch((e: unknown) => e);
    expect((err as SchemaError).code).toBe('SYNTH_SCHEMA_INCOMPATIBLE');
  });

  it('takes GroundTruthRecorded with misunderstandings over the one before it, reading an old record as none', async () => {
    const registry = new LocalSchemaRegistry();
    const now = rawSchema('GroundTruthRecorded');
    const before = { ...now, fields: now.fields.filter((f) => f.name !== 'misunderstandings') };
    expect(before.fields.length).toBe(now.fields.length - 1);
    const id1 = await registry.register('gt-value', before);
    await registry.register('gt-value', now);
    const { misunderstandings: _new, ...old } = exampleEvents().GroundTruthRecorded;
    const bytes = await registry.encode(id1, old);
    expect(await registry.decode(bytes, parseSchema(now))).toMatchObject({ misunderstandings: [] });
  });

  it('takes GroundTruthRecorded with deviations over the one before it, reading an old record as none', async () => {
    const registry = new LocalSchemaRegistry();
    const now = rawSchema('GroundTruthRecorded');
    const before = { ...now, fields: now.fields.filter((f) => f.name !== 'deviations') };
    expect(before.fields.length).toBe(now.fields.length - 1);
    const id1 = await registry.register('gt-value', before);
    await registry.register('gt-value', now);
    const { deviations: _new, ...old } = exampleEvents().GroundTruthRecorded;
    const bytes = await registry.encode(id1, old);
    expect(await registry.decode(bytes, parseSchema(now))).toMatchObject({ deviations: [] });
  });

  it('returns the same id when the same schema is registered again', async () => {
    const registry = new LocalSchemaRegistry();
    expect(await registry.register('s', v1)).toBe(await registry.register('s', v1));
    expect(avroType('UtteranceHeard')).toBe(avroType('UtteranceHeard'));
  });
});
