#!/usr/bin/env node
// Runs the built CLI when present; in a source checkout (npm ci, no build) it runs the TypeScript through tsx, with
// the `@synthcall/source` export condition so workspace packages resolve to their sources too.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const built = new URL('../dist/cli.js', import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last, so it runs first: adds the condition, then tsx resolves the .ts file.
  register('./source-condition.mjs', import.meta.url);
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv);
