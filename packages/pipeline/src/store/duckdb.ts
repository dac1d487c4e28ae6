import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as DuckDB from '@duckdb/node-api';
import { loadCachedBundle, type BundleSource } from '../bundles/load.js';

type DuckDBModule = typeof DuckDB;
const require = createRequire(import.meta.url);

/** Where the build puts the one-file bundle of @duckdb/node-api (bundle-duckdb.ts), beside dist/store. */
const BUNDLE = resolve(fileURLToPath(import.meta.url), '../../vendor/duckdb-node-api.cjs');

function loadBundle(bundle: string): DuckDBModule {
  const loaded = loadCachedBundle<DuckDBModule>(bundle, 'duckdb-node-api', require.resolve('@duckdb/node-api'));
  duckdbSource = loaded.source;
  return loaded.exports;
}

/** Where `duckdb` came from: the built bundle (with V8's cached code or compiled now) or the package. */
export let duckdbSource: 'package' | BundleSource = 'package';

/**
 * @duckdb/node-api, loaded as CommonJS. An ESM `import` of it makes Node lex every one of its files
 * for named exports (0.3 s of every command's start-up, bench/startup.ts); `require` does not, and
 * the built bundle with its code cache saves another ~50 ms. Run from source (tests), there is no
 * bundle and the package is required as it is. Types still come from the package.
 */
export const duckdb: DuckDBModule = existsSync(BUNDLE) ? loadBundle(BUNDLE) : require('@duckdb/node-api');
