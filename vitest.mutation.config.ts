import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The test set Stryker runs against each mutant (stryker.config.mjs). Tests that only spawn child
 * processes (CLI, dev server, bench, build, deploy, reliability, demo) cannot see a mutant — Stryker
 * activates it inside its own worker — so they would only cost time. The least-authority global setup
 * judges whole-suite runs, not a mutant's handful of tests.
 */
const only = process.env.MUTATION_TESTS;

export default defineConfig({
  test: {
    ...base.test,
    // bin/mutation.ts names the tests for the folder being mutated (FOLDER_TESTS in stryker.config.mjs).
    include: only ? (JSON.parse(only) as string[]) : (base.test?.include ?? []),
    globalSetup: [],
    reporters: ['default'],
    exclude: [
      'test/cli/**',
      'test/dev/**',
      'test/bench/**',
      'test/build/**',
      'test/deploy/**',
      'test/demo/**',
      'test/reliability/soak.test.ts',
      'test/scale/**',
      '**/node_modules/**',
    ],
  },
});
