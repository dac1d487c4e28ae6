import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * A build step (`pnpm build`, `prepare`, `test`): bundles @duckdb/node-api's ~180 CommonJS files
 * into one, dist/vendor/duckdb-node-api.cjs, which `duckdb.ts` loads with a V8 code cache. Reading
 * and compiling those files was the largest share of a light command's start-up after Node itself
 * (bench/startup.ts). The native binding stays outside the bundle and is loaded from the package.
 * `keepNames` matters: `plain()` in store.ts tells DuckDB values apart by their class names.
 */
export const BUNDLE = resolve(fileURLToPath(import.meta.url), '../../vendor/duckdb-node-api.cjs');

export async function bundleDuckDB(outfile = BUNDLE): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@duckdb/node-api');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    keepNames: true,
    external: ['@duckdb/node-bindings', '@duckdb/node-bindings-*'],
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`bundled @duckdb/node-api into ${await bundleDuckDB()}\n`);
}
