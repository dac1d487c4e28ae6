import { readFileSync } from 'node:fs';

export interface VersionInfo {
  version: string;
  node: string;
  platform: string;
  arch: string;
}

/** This CLI's version (from its package.json) and the runtime's, for `mixtape --version --json`. */
export function versionInfo(): VersionInfo {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return { version: pkg.version, node: process.versions.node, platform: process.platform, arch: process.arch };
}

/** oclif answers `--version` itself, in text only; with `--json` as well, the bin answers in JSON. */
export function wantsVersionJson(argv: string[]): boolean {
  return argv[0] === '--version' && argv.includes('--json');
}
