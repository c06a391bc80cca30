// Writes schemas/src/generated/events.ts from the .avsc files. Run after changing a schema.
import { writeFileSync } from 'node:fs';
import { EVENT_SCHEMA_NAMES, rawSchema } from '../src/avro.js';
import { generateTypeScript } from '../src/codegen.js';

const target = new URL('../src/generated/events.ts', import.meta.url);
writeFileSync(target, generateTypeScript(EVENT_SCHEMA_NAMES.map((name) => rawSchema(name))));
console.log(`wrote ${target.pathname}`);
