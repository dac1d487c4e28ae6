import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Oclif from '@oclif/core';
import { loadCachedBundle, type BundleSource } from '@mixtape/pipeline/bundles';

const require = createRequire(import.meta.url);

/** Where the build puts the one-file bundle of @oclif/core (bundle-oclif.ts): dist/vendor. */
export const OCLIF_BUNDLE = resolve(fileURLToPath(import.meta.url), '../vendor/oclif-core.cjs');

/** Where oclif came from: the built bundle (with V8's cached code or compiled now) or the package. */
export let oclifSource: 'package' | BundleSource = 'package';

function load(): typeof Oclif {
  if (!existsSync(OCLIF_BUNDLE)) return require('@oclif/core') as typeof Oclif;
  const loaded = loadCachedBundle<typeof Oclif>(OCLIF_BUNDLE, 'oclif-core', require.resolve('@oclif/core'));
  oclifSource = loaded.source;
  return loaded.exports;
}

/**
 * @oclif/core, the one copy every command, the bin and the manifest writer use. Built, it is one
 * file read through V8's code cache: importing the package's ~170 CommonJS files took 0.11–0.14 s
 * of every command's start-up (bench/startup.ts), the bundle about 0.04 s. Run from source (tests),
 * there is no bundle and the package is required as it is. Types come from the package.
 */
export const oclif: typeof Oclif = load();
export const { Args, Flags, execute } = oclif;
export const Command = oclif.Command;
export type Command = Oclif.Command;
