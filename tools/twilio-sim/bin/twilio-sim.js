#!/usr/bin/env node
// Runs the built CLI; in a source checkout without a build, falls back to tsx to run the TypeScript directly.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
try {
  await cli.main(process.argv);
} catch (error) {
  process.stderr.write(`twilio-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
