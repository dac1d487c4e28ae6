import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { DYNAMIC_IMPORT } from './dynamic-import.js';

/**
 * A build step: bundles a CommonJS package's files into one (`load.ts` then reads it through V8's
 * code cache). `external` stays outside: native bindings, and modules a package loads only in
 * development (oclif's TypeScript support). `keepNames` matters: DuckDB values are told apart by
 * their class names (`plain()` in store.ts), and error classes print theirs. `define` replaces
 * expressions with constants at build time (esbuild's `define`); `plugins` are esbuild's.
 */
export async function bundleCommonJs(entry: string, outfile: string, external: string[], define: Record<string, string> = {}, plugins: Plugin[] = []): Promise<string> {
  const out = await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', keepNames: true, external, define, plugins, logLevel: 'warning', write: false });
  // A script compiled by `vm` cannot `import()` without an experimental option that warns on every
  // use (oclif imports each ESM command file so), so the bundle's awaited dynamic imports call a
  // function the loader passes in, an ordinary `import()` of the main context. Written only once
  // that is done: a bundle left half-built would fail at its first dynamic import.
  const rewritten = out.outputFiles[0]!.text.replace(/\bawait import\(/g, `await ${DYNAMIC_IMPORT}(`);
  if (/(?<![\w$."'`])import\(/.test(rewritten)) throw new Error(`${outfile} has a dynamic import that is not awaited; bundleCommonJs cannot route it`);
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, rewritten);
  return outfile;
}
