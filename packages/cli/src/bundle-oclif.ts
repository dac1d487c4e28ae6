import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommonJs } from '@mixtape/pipeline/bundles/build';

/**
 * A build step (`pnpm build`, `prepare`, `test`): bundles @oclif/core into dist/vendor/oclif-core.cjs,
 * which `oclif.ts` (OCLIF_BUNDLE) loads with a V8 code cache. What oclif loads only to run TypeScript commands in
 * development (typescript, ts-node, tsx: 9 MB) stays outside; the built CLI never reaches it.
 *
 * oclif checks at every start that Node satisfies the engines of @oclif/core's own package.json,
 * which the bundle does not ship: the check could only fail, silently, after loading semver (10 ms
 * of every command, bench/startup.ts). The bundle is built with it switched off as oclif documents
 * (OCLIF_DISABLE_ENGINE_WARNING); the CLI's own `engines` field is npm's to enforce.
 */
export function bundleOclif(outfile = resolve(fileURLToPath(import.meta.url), '../vendor/oclif-core.cjs')): Promise<string> {
  return bundleCommonJs(createRequire(import.meta.url).resolve('@oclif/core'), outfile, ['typescript', 'ts-node', 'tsx'], {
    'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`bundled @oclif/core into ${await bundleOclif()}\n`);
}
