import { defineConfig } from 'vitest/config';
import { requireNode } from './cli/bin/require-node.js';

// `npm test` on an older Node stops here with what to install, before a test fails inside a dependency.
requireNode();

// Two tiers (STYLE.md §5): `unit` runs co-located *.test.ts with fakes; `integration` runs *.int.test.ts against a
// real Kafka broker and schema registry that the global setup provides (env, testcontainers, or the local stack).
const resolve = { conditions: ['@synthcall/source'] };
// Vite resolves server-side imports with `ssr.resolve`, not `resolve`; without it workspace packages load from dist.
const ssr = { resolve: { conditions: ['@synthcall/source'], externalConditions: ['@synthcall/source'] } };
// Global setup files run in vitest's own `__vitest__` environment, which needs the condition as well.
const environments = { __vitest__: { resolve: { conditions: ['@synthcall/source'] } } };
const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
          environment: 'node',
          // A guard against a hang, not a speed check (benchmarks measure speed): tests that run calls through the
          // sim take seconds on a quiet machine and several times that beside other work, past vitest's 5 s.
          testTimeout: 30_000,
        },
      },
      {
        resolve,
        ssr,
        environments,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude,
          environment: 'node',
          globalSetup: ['./packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          server: { deps: { external: ['testcontainers'] } },
        },
      },
    ],
  },
});
