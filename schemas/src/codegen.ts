import type { RawRecordSchema } from './avro.js';

/**
 * Generates TypeScript declarations from Avro schemas, so the types cannot drift from the .avsc files: the
 * generated file is checked in and a test fails when it differs from a fresh generation.
 *
 * Covers the Avro subset our schemas use: records, enums, arrays, maps, ["null", T] unions, primitives and
 * timestamp-millis (as Date). Anything else throws, so a new construct cannot be silently mistyped.
 */
export function generateTypeScript(schemas: readonly RawRecordSchema[]): string {
  const named = new Map<string, { source: string; definition: string }>();
  const out: string[] = [
    '// Generated from schemas/avro/*.avsc by `npm run generate -w @synthcall/schemas`. Do not edit.',
    '',
  ];

  const shortName = (name: string) => name.split('.').pop() as string;

  const define = (name: string, definition: string) => {
    const existing = named.get(name);
    if (existing) {
      if (existing.definition !== definition) {
        throw new Error(
          `Avro type ${name} is defined twice with different shapes; keep the copies identical.`,
        );
      }
      return;
    }
    named.set(name, { source: name, definition });
    out.push(definition);
  };

  const docComment = (doc: unknown, indent = '') =>
    typeof doc === 'string' && doc.length > 0 ? `${indent}/** ${doc.replace(/\*\//g, '* /')} */\n` : '';

  const typeOf = (t: unknown): string => {
    if (typeof t === 'string') {
      switch (t) {
        case 'null':
          return 'null';
        case 'boolean':
          return 'boolean';
        case 'int':
        case 'long':
        case 'float':
        case 'double':
          return 'number';
        case 'string':
          return 'string';
        case 'bytes':
          return 'Buffer';
        default:
          return shortName(t);
      }
    }
    if (Array.isArray(t)) {
      return t.map((member) => typeOf(member)).join(' | ');
    }
    if (t && typeof t === 'object') {
      const o = t as Record<string, unknown>;
      if (o.logicalType === 'timestamp-millis' && o.type === 'long') return 'Date';
      switch (o.type) {
        case 'record':
          emitRecord(o as unknown as RawRecordSchema);
          return shortName(o.name as string);
        case 'enum': {
          const name = shortName(o.name as string);
          const symbols = o.symbols as string[];
          define(
            name,
            `${docComment(o.doc)}export const ${name}Values = [${symbols.map((s) => `'${s}'`).join(', ')}] as const;\n` +
              `export type ${name} = (typeof ${name}Values)[number];\n`,
          );
          return name;
        }
        case 'array':
          return `Array<${typeOf(o.items)}>`;
        case 'map':
          return `Record<string, ${typeOf(o.values)}>`;
        default:
          if (typeof o.type === 'string' && !o.logicalType) return typeOf(o.type);
      }
    }
    throw new Error(`Unsupported Avro type in codegen: ${JSON.stringify(t)}`);
  };

  const emitRecord = (schema: RawRecordSchema) => {
    const name = shortName(schema.name);
    const fields = schema.fields.map((f) => `${docComment(f.doc, '  ')}  ${f.name}: ${typeOf(f.type)};`);
    define(name, `${docComment(schema.doc)}export interface ${name} {\n${fields.join('\n')}\n}\n`);
  };

  for (const schema of schemas) emitRecord(schema);
  return `${out.join('\n')}`;
}
