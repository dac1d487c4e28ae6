import { defineConfig } from 'vitest/config';
import { alias } from './vitest.config.js';

// Conformance tests read real exports from ../shared/data; CI runs them after the unit tests.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.conformance.test.ts', 'fixtures/src/**/*.conformance.test.ts'],
    env: { TZ: 'UTC' },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
