import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';
import type * as DuckDB from '@duckdb/node-api';
import { cacheDir } from './paths.js';
import { ensurePrivateDir } from './private-dir.js';

type DuckDBModule = typeof DuckDB;
const require = createRequire(import.meta.url);

/** Where the build puts the one-file bundle of @duckdb/node-api (bundle-duckdb.ts), beside dist/store. */
const BUNDLE = resolve(fileURLToPath(import.meta.url), '../../vendor/duckdb-node-api.cjs');
const CACHE_PREFIX = 'duckdb-node-api-';

/**
 * The code cache's file: keyed by V8's version and the bundle's size and time, so a rebuilt bundle
 * or another Node never reads a stale one (V8 checks only the source's length).
 */
function cacheFile(bundle: string): string {
  const st = statSync(bundle);
  return join(cacheDir(), 'v8', `${CACHE_PREFIX}${process.versions.v8}-${st.size}-${Math.floor(st.mtimeMs)}.cache`);
}

/** Writes V8's code for the bundle when the process ends, replacing older caches; best effort. */
function saveCacheAtExit(script: Script, file: string): void {
  process.once('exit', () => {
    try {
      const dir = dirname(file);
      ensurePrivateDir(dir);
      for (const old of readdirSync(dir)) if (old.startsWith(CACHE_PREFIX)) rmSync(join(dir, old), { force: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // A read-only or full cache dir only costs the next start-up the compile time.
    }
  });
}

/**
 * Loads the bundle as CommonJS through V8's code cache: the compile of ~0.5 MB of JavaScript is
 * read from the cache dir instead of redone on every command. The bundle's `require` resolves from
 * the package itself, so the native binding is the one @duckdb/node-api depends on.
 */
function loadBundle(bundle: string): DuckDBModule {
  duckdbSource = 'bundle';
  const file = cacheFile(bundle);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
    filename: bundle,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) saveCacheAtExit(script, file);
  else duckdbSource = 'bundle, code cache';
  const mod = { exports: {} as DuckDBModule };
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  fn(mod.exports, createRequire(require.resolve('@duckdb/node-api')), mod, bundle, dirname(bundle));
  return mod.exports;
}

/** Where `duckdb` came from: the built bundle (with V8's cached code or compiled now) or the package. */
export let duckdbSource: 'package' | 'bundle' | 'bundle, code cache' = 'package';

/**
 * @duckdb/node-api, loaded as CommonJS. An ESM `import` of it makes Node lex every one of its files
 * for named exports (0.3 s of every command's start-up, bench/startup.ts); `require` does not, and
 * the built bundle with its code cache saves another ~50 ms. Run from source (tests), there is no
 * bundle and the package is required as it is. Types still come from the package.
 */
export const duckdb: DuckDBModule = existsSync(BUNDLE) ? loadBundle(BUNDLE) : require('@duckdb/node-api');
