#!/usr/bin/env node
// In a source checkout (src/ and the tsx dev dependency present) this runs the TypeScript through tsx, with the
// `@synthcall/source` export condition so workspace packages (e.g. @synthcall/random) resolve to their sources too: a
// `dist/` left by an old build never runs stale code. Otherwise (a production install) it runs the built CLI.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);
let tsx;
if (existsSync(source)) tsx = await import('tsx/esm/api').catch(() => undefined);
let cli;
if (tsx) {
  tsx.register();
  // Registered last, so it runs first: adds the condition, then tsx resolves the .ts file.
  register('./source-condition.mjs', import.meta.url);
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli.js', import.meta.url).href);
}
try {
  await cli.main(process.argv);
} catch (error) {
  process.stderr.write(`twilio-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
