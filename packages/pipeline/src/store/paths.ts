import { homedir } from 'node:os';
import { join } from 'node:path';

/** The data dir: flag, then MIXTAPE_DATA_DIR, then $XDG_DATA_HOME/mixtape, then ~/.local/share/mixtape. */
export function dataDir(override?: string): string {
  if (override) return override;
  if (process.env.MIXTAPE_DATA_DIR) return process.env.MIXTAPE_DATA_DIR;
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'mixtape');
}

/** The config dir (tokens, identities): MIXTAPE_CONFIG_DIR, then $XDG_CONFIG_HOME/mixtape. */
export function configDir(override?: string): string {
  if (override) return override;
  if (process.env.MIXTAPE_CONFIG_DIR) return process.env.MIXTAPE_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'mixtape');
}

/** The cache dir: MIXTAPE_CACHE_DIR, then $XDG_CACHE_HOME/mixtape. */
export function cacheDir(override?: string): string {
  if (override) return override;
  if (process.env.MIXTAPE_CACHE_DIR) return process.env.MIXTAPE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mixtape');
}
