import { readFileSync } from 'node:fs';
import avro from 'avsc';

/** The records the topics carry, one .avsc file each under schemas/avro/. */
export const EVENT_SCHEMA_NAMES = [
  'CallRequested',
  'CallPlanned',
  'UtteranceHeard',
  'ReplyReady',
  'CallLifecycle',
  'RecordingCompleted',
  'TranscriptAnalyzed',
  'ConversationState',
  'DeadLetter',
  'CallBudgetClaim',
  'GroundTruthRecorded',
] as const;
export type EventSchemaName = (typeof EVENT_SCHEMA_NAMES)[number];

export const AVRO_NAMESPACE = 'dev.synthcall.events';

export interface RawRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: Array<{ name: string; type: unknown; doc?: string; default?: unknown }>;
}

/**
 * timestamp-millis as a JS Date. avsc keeps logical types as plain longs unless told otherwise, which would let a
 * caller pass seconds where milliseconds are meant; a Date makes the unit impossible to get wrong.
 */
class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(val: number): Date {
    return new Date(val);
  }
  protected override _toValue(val: unknown): number | undefined {
    if (val instanceof Date) return val.getTime();
    // Returning undefined makes avsc report the value as invalid instead of writing garbage.
    return undefined;
  }
  protected override _resolve(type: avro.Type): ((v: unknown) => unknown) | undefined {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis'))
      return this._fromValue as (v: unknown) => unknown;
    return undefined;
  }
}

export const avroTypeOptions: Partial<avro.ForSchemaOptions> = {
  logicalTypes: { 'timestamp-millis': TimestampMillisType },
};

const schemaDir = new URL('../avro/', import.meta.url);
const rawCache = new Map<string, RawRecordSchema>();
const typeCache = new Map<string, avro.Type>();

/** The schema exactly as written in schemas/avro/<name>.avsc (read once, then cached). */
export function rawSchema(name: EventSchemaName): RawRecordSchema {
  let raw = rawCache.get(name);
  if (!raw) {
    raw = JSON.parse(readFileSync(new URL(`${name}.avsc`, schemaDir), 'utf8')) as RawRecordSchema;
    rawCache.set(name, raw);
  }
  return raw;
}

/** The parsed avsc Type of a schema, with synthcall's logical types. */
export function avroType(name: EventSchemaName): avro.Type {
  let type = typeCache.get(name);
  if (!type) {
    type = avro.Type.forSchema(rawSchema(name) as avro.Schema, { ...avroTypeOptions });
    typeCache.set(name, type);
  }
  return type;
}

/** Parses any record schema (e.g. an evolved version in a test) with the same options. */
export function parseSchema(schema: RawRecordSchema): avro.Type {
  // A fresh options object per parse: avsc records named types in `opts.registry` and would reject a second parse.
  return avro.Type.forSchema(schema as avro.Schema, { ...avroTypeOptions });
}
