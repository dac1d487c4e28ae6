import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./${p}/src/index.ts`, import.meta.url));

// Tests import workspace packages from source, so `vitest run` needs no build of the libraries.
export const alias = {
  // A subpath first: an alias also matches `name/…`, so the bare name would swallow it.
  '@mixtape/pipeline/store': fileURLToPath(new URL('./packages/pipeline/src/store-entry.ts', import.meta.url)),
  '@mixtape/pipeline/bundles/build': fileURLToPath(new URL('./packages/pipeline/src/bundles/build.ts', import.meta.url)),
  '@mixtape/pipeline/bundles': fileURLToPath(new URL('./packages/pipeline/src/bundles/load.ts', import.meta.url)),
  '@mixtape/pipeline/recommend': fileURLToPath(new URL('./packages/pipeline/src/recommend-entry.ts', import.meta.url)),
  '@mixtape/federation/listener': fileURLToPath(new URL('./packages/federation/src/listener-entry.ts', import.meta.url)),
  '@mixtape/pipeline/model-io': fileURLToPath(new URL('./packages/pipeline/src/model-io/index.ts', import.meta.url)),
  '@mixtape/core/base': fileURLToPath(new URL('./packages/core/src/base.ts', import.meta.url)),
  '@mixtape/core': src('packages/core'),
  '@mixtape/connectors': src('packages/connectors'),
  '@mixtape/pipeline': src('packages/pipeline'),
  '@mixtape/model': src('packages/model'),
  '@mixtape/federation': src('packages/federation'),
  '@mixtape/fixtures': src('fixtures'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'fixtures/src/**/*.test.ts'],
    exclude: ['**/*.conformance.test.ts', '**/node_modules/**', '**/dist/**'],
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
