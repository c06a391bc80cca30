import { defineConfig } from 'vitest/config';

// Two tiers (STYLE.md §5): `unit` runs co-located *.test.ts with fakes; `integration` runs *.int.test.ts against a
// real Kafka broker and schema registry that the global setup provides (env, testcontainers, or the local stack).
const resolve = { conditions: ['@synthcall/source'] };
const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude,
          environment: 'node',
          globalSetup: ['./packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          server: { deps: { external: ['testcontainers', '@testcontainers/kafka'] } },
        },
      },
    ],
  },
});
