import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from '../store/paths.js';
import { DYNAMIC_IMPORT } from './dynamic-import.js';
import { ensurePrivateDir } from '../store/private-dir.js';

/** Where a vendored module came from: its built one-file bundle, compiled now or read from V8's code cache. */
export type BundleSource = 'bundle' | 'bundle, code cache';

/**
 * The code cache's file: keyed by V8's version and the bundle's size and time, so a rebuilt bundle
 * or another Node never reads a stale one (V8 checks only the source's length).
 */
function cacheFile(bundle: string, name: string): string {
  const st = statSync(bundle);
  return join(cacheDir(), 'v8', `${name}-${process.versions.v8}-${st.size}-${Math.floor(st.mtimeMs)}.cache`);
}

/**
 * Writes V8's code for the bundle when the process ends (by then it holds every function the
 * command compiled, not only the top level), replacing this bundle's older caches; best effort.
 */
function saveCacheAtExit(script: Script, file: string, name: string): void {
  process.once('exit', () => {
    try {
      const dir = dirname(file);
      ensurePrivateDir(dir);
      for (const old of readdirSync(dir)) if (old.startsWith(`${name}-`)) rmSync(join(dir, old), { force: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // A read-only or full cache dir only costs the next start-up the compile time.
    }
  });
}

/**
 * Loads a one-file CommonJS bundle of a package (written by the build, `build.ts`) through V8's code
 * cache in the cache dir: reading and compiling a package's many files was most of a light command's
 * start-up after Node itself (bench/startup.ts). `name` keys the cache file; the bundle's own
 * `require` (for what was left outside it, such as a native binding) resolves from `requireFrom`,
 * the package's entry file, so it finds what the package itself would.
 */
export function loadCachedBundle<T>(bundle: string, name: string, requireFrom: string): { exports: T; source: BundleSource } {
  const file = cacheFile(bundle, name);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // CommonJS's own wrapper, plus the bundle's dynamic import (build.ts rewrote `await import(`).
  const wrapped = `(function (exports, require, module, __filename, __dirname, ${DYNAMIC_IMPORT}) { ${readFileSync(bundle, 'utf8')}\n});`;
  const script = new Script(wrapped, { filename: bundle, cachedData });
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  if (fresh) saveCacheAtExit(script, file, name);
  const mod = { exports: {} as T };
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string, i: (s: string) => Promise<unknown>) => void;
  fn(mod.exports, createRequire(requireFrom), mod, bundle, dirname(bundle), (specifier) => import(specifier));
  return { exports: mod.exports, source: fresh ? 'bundle' : 'bundle, code cache' };
}
