#!/usr/bin/env node
// In a source checkout (src/ and the tsx dev dependency present) this runs the TypeScript through tsx, so a `dist/`
// left behind by an old build never runs stale code; otherwise (a production install) it runs the built CLI.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
let tsx;
if (existsSync(source)) tsx = await import('tsx/esm/api').catch(() => undefined);
let cli;
if (tsx) {
  tsx.register();
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
