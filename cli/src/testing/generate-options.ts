import type { GenerateOptions } from '../embedded.js';

/** A small, quiet `generate` run for tests: 6 matched calls at concurrency 3 on the offline defaults, into `out`. */
export function testGenerateOptions(out: string, overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    calls: 6,
    seed: 'cli-test',
    strategy: 'matched',
    concurrency: 3,
    out,
    maxTurns: 24,
    asrWer: 0.05,
    timeoutMs: 120_000,
    logLevel: 'silent',
    version: 'test',
    ...overrides,
  };
}
