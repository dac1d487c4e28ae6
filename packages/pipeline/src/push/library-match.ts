import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import type { ProgressFn } from '@mixtape/core';
import { match, playlistFiles } from '@mixtape/connectors';
import { cacheDir, configDir } from '../store/paths.js';

type PlaylistTrack = playlistFiles.PlaylistTrack;

/** The listener's match overrides: $MIXTAPE_CONFIG_DIR/match-overrides.json (absent: none). */
export function overridesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env.MIXTAPE_CONFIG_DIR || undefined), 'match-overrides.json');
}

export function loadOverrides(env: NodeJS.ProcessEnv = process.env): Promise<match.MatchOverrides> {
  return match.readOverrides(overridesPath(env));
}

/**
 * Matches playlist tracks against a library listing (Subsonic, Jellyfin: any list of candidates),
 * with the listener's overrides for that target.
 */
export async function matchLibrary<C extends match.LibraryCandidate>(
  candidates: Iterable<C>,
  tracks: PlaylistTrack[],
  o: { target: string; env?: NodeJS.ProcessEnv | undefined; overrides?: match.MatchOverrides; overrideId?: (to: string) => string },
): Promise<match.MatchOutcome<C>[]> {
  const overrides = o.overrides ?? (await loadOverrides(o.env));
  const m = new match.LibraryMatcher(candidates, { overrides, target: o.target, overrideId: o.overrideId });
  return tracks.map((t) => m.match(t));
}

/** Where the tags of one music folder are cached: $MIXTAPE_CACHE_DIR/music-dir/<hash of the path>.json. */
export function musicDirCacheFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
  return join(cacheDir(env.MIXTAPE_CACHE_DIR || undefined), 'music-dir', `${id}.json`);
}

/** Reads a music folder's tags (cached) and matches the tracks against its files. */
export async function matchMusicDir(
  tracks: PlaylistTrack[],
  o: { musicDir: string; env?: NodeJS.ProcessEnv | undefined; onProgress?: ProgressFn | undefined },
): Promise<{ scan: playlistFiles.MusicDirScan; outcomes: match.MatchOutcome<playlistFiles.LocalSong>[] }> {
  const root = resolve(o.musicDir);
  const scan = await playlistFiles.scanMusicDir(root, { cacheFile: musicDirCacheFile(root, o.env), onProgress: o.onProgress });
  const outcomes = await matchLibrary(scan.songs, tracks, {
    target: 'music-dir',
    env: o.env,
    // Overrides name files relative to the music folder, or by absolute path.
    overrideId: (to) => (isAbsolute(to) ? to : resolve(root, to)),
  });
  return { scan, outcomes };
}

/** Matched tracks per tier. */
export function countTiers(outcomes: match.MatchOutcome[]): Record<match.MatchTier, number> {
  const out = Object.fromEntries(match.MATCH_TIERS.map((t) => [t, 0])) as Record<match.MatchTier, number>;
  for (const o of outcomes) if (o.matched) out[o.tier]++;
  return out;
}
