import { existsSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * oclif's command manifest (oclif.manifest.json in the package root): with it, oclif answers
 * `--version` and `--help` and finds a command without importing every command file, which is what
 * keeps start-up near a bare `node`. It is written by the build (`pnpm build`, `prepare`, `test`)
 * with @oclif/core's own loader, the same one `oclif manifest` runs, so its format always matches the
 * runtime that reads it. It is never committed (.gitignore).
 */
export const MANIFEST = 'oclif.manifest.json';

/** The CLI package's root (this file is dist/manifest.js). */
export const CLI_ROOT = resolve(fileURLToPath(import.meta.url), '../..');

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The build records of this package and of the workspace packages beside it: a TypeScript build
 * (`tsc -b`) rewrites them, so a manifest older than any of them may describe old commands or flags.
 */
function buildRecords(root: string): string[] {
  const own = join(root, 'dist/.tsbuildinfo');
  const packages = resolve(root, '..');
  const siblings = existsSync(join(packages, 'core/package.json'))
    ? readdirSync(packages).map((p) => join(packages, p, 'dist/.tsbuildinfo'))
    : [];
  return [own, ...siblings];
}

/**
 * True when the manifest is missing or older than the last TypeScript build: a stale manifest would
 * list commands and flags that are not the ones built, so the CLI rewrites it before use.
 */
export function manifestIsStale(root = CLI_ROOT): boolean {
  const written = mtime(join(root, MANIFEST));
  if (written === undefined) return true;
  return buildRecords(root).some((f) => (mtime(f) ?? 0) > written);
}

/** Writes the manifest from the built commands (loading each one once), atomically. */
export async function writeManifest(root = CLI_ROOT): Promise<{ path: string; commands: number }> {
  const { Plugin } = (await import('./oclif.js')).oclif;
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
  await plugin.load();
  const path = join(root, MANIFEST);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
  renameSync(tmp, path);
  return { path, commands: Object.keys(plugin.manifest.commands).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { path, commands } = await writeManifest();
  process.stdout.write(`oclif manifest: ${commands} commands in ${path}\n`);
}
