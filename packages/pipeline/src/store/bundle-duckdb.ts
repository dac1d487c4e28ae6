import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleCommonJs } from '../bundles/build.js';

/**
 * A build step (`pnpm build`, `prepare`, `test`): bundles @duckdb/node-api's ~180 CommonJS files
 * into one, dist/vendor/duckdb-node-api.cjs, which `duckdb.ts` loads with a V8 code cache. The
 * native binding stays outside the bundle; the one @duckdb/node-bindings picks on this machine is
 * named in the bundle and loaded directly (see `nativeBinding`).
 */
export const BUNDLE = resolve(fileURLToPath(import.meta.url), '../../vendor/duckdb-node-api.cjs');

const NAMESPACE = 'duckdb-native-binding';

/**
 * The native binding file @duckdb/node-bindings loads here: found by letting its own chooser run
 * (platform, arch, glibc or musl) and seeing which `.node` file it loaded, so its rules are not
 * copied. Undefined when that cannot be told.
 */
export function nativeBindingFile(): string | undefined {
  const fromApi = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'));
  fromApi('@duckdb/node-bindings');
  // Other native modules may be loaded too (a test runner's): only a platform package of DuckDB's counts.
  return Object.keys(fromApi.cache).find((k) => k.endsWith('.node') && /[\\/]@duckdb[\\/]node-bindings-[^\\/]+[\\/]/.test(k));
}

/**
 * Replaces the bundle's `require('@duckdb/node-bindings')` with a direct load of the binding file
 * chosen at build time, by its path relative to the bundle. The package's chooser requires
 * detect-libc and asks Node for a diagnostic report on every start (about 9 ms of `mixtape status`,
 * bench/startup.ts). If that file is gone (node_modules moved or reinstalled elsewhere), the package
 * chooses as before.
 */
export function nativeBinding(binding: string, bundleDir: string): Plugin {
  const rel = relative(bundleDir, binding);
  const contents = [
    `const { join } = require('node:path');`,
    `let binding;`,
    `try { binding = require(join(__dirname, ${JSON.stringify(rel)})); }`,
    `catch (e) { if (!e || e.code !== 'MODULE_NOT_FOUND') throw e; binding = require('@duckdb/node-bindings'); }`,
    `module.exports = binding;`,
  ].join('\n');
  return {
    name: NAMESPACE,
    setup(b) {
      // The shim's own fallback require stays a require of the package.
      b.onResolve({ filter: /^@duckdb\/node-bindings$/ }, (args) => (args.namespace === NAMESPACE ? { path: args.path, external: true } : { path: 'binding', namespace: NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents, loader: 'js' }));
    },
  };
}

export function bundleDuckDB(outfile = BUNDLE): Promise<string> {
  const binding = nativeBindingFile();
  return bundleCommonJs(createRequire(import.meta.url).resolve('@duckdb/node-api'), outfile, ['@duckdb/node-bindings', '@duckdb/node-bindings-*'], {}, binding ? [nativeBinding(binding, dirname(outfile))] : []);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`bundled @duckdb/node-api into ${await bundleDuckDB()}\n`);
}
