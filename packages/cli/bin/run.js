#!/usr/bin/env node
// Start-up is kept near a bare `node` (bench/startup.ts): `--version` is answered here without
// loading oclif, and oclif finds commands through its manifest instead of importing every one.
import { versionInfo, versionLine, wantsVersion, wantsVersionJson } from '../dist/version.js';

const argv = process.argv.slice(2);
if (wantsVersionJson(argv)) process.stdout.write(`${JSON.stringify(versionInfo())}\n`);
else if (wantsVersion(argv)) process.stdout.write(`${versionLine()}\n`);
else {
  const { manifestIsStale, writeManifest } = await import('../dist/manifest.js');
  // A manifest older than the last build would describe old commands: rewrite it first.
  if (manifestIsStale()) await writeManifest();
  // A command that opens the store first gets it opened now, on DuckDB's threads, while oclif
  // loads on this one (dist/early-store.js).
  const { earlyStoreOptions } = await import('../dist/early-store.js');
  const early = earlyStoreOptions(argv);
  if (early) (await import('@mixtape/pipeline/store')).Store.openEarly(early);
  // oclif from its built one-file bundle and V8's code cache (dist/oclif.js).
  const { execute } = await import('../dist/oclif.js');
  await execute({ dir: import.meta.url });
}
