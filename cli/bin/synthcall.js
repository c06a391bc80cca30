#!/usr/bin/env node
// In a source checkout the CLI runs as JavaScript compiled from the current sources: the first run after a change
// compiles the workspace's TypeScript into its packages' dist/ folders (build-sources.js, under a second), later runs
// start from them without transpiling anything. A digest of the sources decides, so a dist/ left behind by an older
// build or another branch never runs. Should that build fail, the sources run through tsx (with the
// `@synthcall/source` export condition, so workspace packages resolve to their sources too). Where there is no
// source (a production install or an image), it runs the built CLI. An older Node stops first, with what to install
// (require-node.js).
import { requireNode } from './require-node.js';

requireNode();
const { existsSync } = await import('node:fs');
const { register } = await import('node:module');
const { fileURLToPath } = await import('node:url');

const source = new URL('../src/cli.ts', import.meta.url);
const built = new URL('../dist/cli.js', import.meta.url);
let cli;
if (existsSync(source)) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const compiled = await import('./build-sources.js')
    .then(({ ensureBuilt }) => ensureBuilt(root))
    .then(
      () => true,
      (error) => {
        process.stderr.write(
          `synthcall: could not compile the sources (${error instanceof Error ? error.message : String(error)}); running them through tsx\n`,
        );
        return false;
      },
    );
  if (compiled) {
    cli = await import(built.href);
  } else {
    const tsx = await import('tsx/esm/api');
    tsx.register();
    // Registered last, so it runs first: adds the condition, then tsx resolves the .ts file.
    register(import.meta.resolve('@synthcall/twilio-sim/source-condition'));
    cli = await import(source.href);
  }
} else {
  cli = await import(built.href);
}
process.exitCode = await cli.main(process.argv);
