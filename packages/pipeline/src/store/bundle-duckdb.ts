import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommonJs } from '../bundles/build.js';

/**
 * A build step (`pnpm build`, `prepare`, `test`): bundles @duckdb/node-api's ~180 CommonJS files
 * into one, dist/vendor/duckdb-node-api.cjs, which `duckdb.ts` loads with a V8 code cache. The
 * native binding stays outside the bundle and is loaded from the package.
 */
export const BUNDLE = resolve(fileURLToPath(import.meta.url), '../../vendor/duckdb-node-api.cjs');

export function bundleDuckDB(outfile = BUNDLE): Promise<string> {
  return bundleCommonJs(createRequire(import.meta.url).resolve('@duckdb/node-api'), outfile, ['@duckdb/node-bindings', '@duckdb/node-bindings-*']);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`bundled @duckdb/node-api into ${await bundleDuckDB()}\n`);
}
