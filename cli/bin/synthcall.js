#!/usr/bin/env node
// In a source checkout (src/ and the tsx dev dependency present) this runs the TypeScript through tsx, with the
// `@synthcall/source` export condition so workspace packages resolve to their sources too: a `dist/` left behind by
// an old `npm run build` can never run stale code. Where there is no source or no tsx (a production install), it
// runs the built CLI. An older Node stops first, with what to install (require-node.js).
import { requireNode } from './require-node.js';

requireNode();
const { existsSync } = await import('node:fs');
const { register } = await import('node:module');

const source = new URL('../src/cli.ts', import.meta.url);
let tsx;
if (existsSync(source)) tsx = await import('tsx/esm/api').catch(() => undefined);
let cli;
if (tsx) {
  tsx.register();
  // Registered last, so it runs first: adds the condition, then tsx resolves the .ts file.
  register(import.meta.resolve('@synthcall/twilio-sim/source-condition'));
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv);
