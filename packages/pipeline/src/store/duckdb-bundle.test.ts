import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeBindingFile } from './bundle-duckdb.js';

// The built store loads @duckdb/node-api from the one-file bundle the build writes
// (bundle-duckdb.ts), compiled once and then read from V8's code cache. The test script builds
// before it runs vitest, so a missing bundle is a broken build, not a reason to skip.
const DIST = resolve(fileURLToPath(import.meta.url), '../../../dist');
const cache = mkdtempSync(join(tmpdir(), 'mixtape-v8cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** Opens an in-memory store with the built code and reads values whose conversion needs class names. */
function probe(): { source: string; row: Record<string, unknown>; loaded: string[] } {
  const script = `
    const { duckdbSource } = await import(${JSON.stringify(join(DIST, 'store/duckdb.js'))});
    const { Store } = await import(${JSON.stringify(join(DIST, 'store/store.js'))});
    const store = await Store.open({ dataDir: ':memory:' });
    const [row] = await store.all("SELECT TIMESTAMP '2024-05-01 10:00:00' AS at, 42::BIGINT AS n, [1, 2] AS xs, {'a': 'b'} AS s");
    store.close();
    const loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ source: duckdbSource, row, loaded }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, MIXTAPE_CACHE_DIR: cache }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { source: string; row: Record<string, unknown>; loaded: string[] };
}

describe('DuckDB bundle with a code cache', () => {
  it('is written by the build', () => {
    expect(existsSync(join(DIST, 'vendor/duckdb-node-api.cjs'))).toBe(true);
  });

  it('compiles once, then reads the cache, and converts values exactly as the package does', () => {
    const first = probe();
    expect(first.source).toBe('bundle');
    const files = readdirSync(join(cache, 'v8'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^duckdb-node-api-.*\.cache$/);
    const second = probe();
    expect(second.source).toBe('bundle, code cache');
    expect(second.row).toEqual({ at: '2024-05-01T10:00:00.000Z', n: 42, xs: [1, 2], s: { a: 'b' } });
    expect(first.row).toEqual(second.row);
  });

  it("loads the native binding the build found, without the package's chooser", () => {
    const { loaded } = probe();
    // The chooser requires detect-libc, which asks Node for a diagnostic report: about 9 ms of every start.
    expect(loaded.filter((f) => /detect-libc|node-bindings[\\/]duckdb\.js$/.test(f))).toEqual([]);
    expect(loaded.filter((f) => f.endsWith('.node'))).toEqual([nativeBindingFile()]);
  });
});
