import { readFileSync } from 'node:fs';
import { release } from 'node:os';

export interface VersionInfo {
  version: string;
  node: string;
  platform: string;
  arch: string;
}

function pkg(): { name: string; version: string } {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
}

/** This CLI's version (from its package.json) and the runtime's, for `mixtape --version --json`. */
export function versionInfo(): VersionInfo {
  return { version: pkg().version, node: process.versions.node, platform: process.platform, arch: process.arch };
}

/** oclif answers `--version` only as the first argument; so does the bin. */
export function wantsVersion(argv: string[]): boolean {
  return argv[0] === '--version';
}

/** With `--json` as well, the answer is JSON. */
export function wantsVersionJson(argv: string[]): boolean {
  return wantsVersion(argv) && argv.includes('--json');
}

/**
 * The line oclif prints for `--version` (its `config.userAgent`: name/version platform-arch
 * node-version, `wsl` for the platform under WSL), written by the bin itself so that `--version`
 * does not load oclif at all.
 */
export function versionLine(): string {
  const p = pkg();
  const platform = process.platform === 'linux' && /microsoft/i.test(release()) ? 'wsl' : process.platform;
  return `${p.name}/${p.version} ${platform}-${process.arch} node-${process.version}`;
}
