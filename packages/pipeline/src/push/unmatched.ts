import { MixtapeError, type ProgressFn } from '@mixtape/core';
import type { HttpClient, match } from '@mixtape/connectors';
import type { Store } from '../store/store.js';
import { countTiers, matchMusicDir } from './library-match.js';
import { findPlaylist, loadTracks } from './load.js';
import { remoteTarget } from './push.js';
import type { RemoteTarget } from './remote.js';
import { assertRemote } from './targets.js';

/** One track a target lacks, and why. */
export interface UnmatchedTrack {
  position: number;
  track_id: string;
  artist?: string | undefined;
  title?: string | undefined;
  reason: match.UnmatchedReason | 'no_id';
  detail: string;
}

/** What `mixtape playlist unmatched` reports. */
export interface UnmatchedReport {
  playlist_id: string;
  name: string;
  /** A push target, or "music-dir". */
  target: string;
  items: number;
  matched: number;
  /** Matched tracks per tier (targets that match in a library). */
  match_tiers?: Record<match.MatchTier, number>;
  unmatched: UnmatchedTrack[];
  /** Music folders: how its files were named. */
  music_dir?: { files: number; from_tags: number; from_file_names: number; cached: number; unreadable: number };
}

export interface UnmatchedOptions {
  playlist: string;
  to?: string | undefined;
  musicDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressFn;
  /** Tests: a ready target instead of one from the environment. */
  target?: RemoteTarget;
  spotify?: HttpClient;
}

/**
 * The tracks of a playlist that a target (a service's library, or a music folder) does not have,
 * each with the reason: no song by that artist, another title, another version, a duration too far
 * off, a tie the matcher refused, an override, or (id-only services) no id for that service.
 */
export async function playlistUnmatched(store: Store, o: UnmatchedOptions): Promise<UnmatchedReport> {
  if ((o.to === undefined) === (o.musicDir === undefined)) {
    throw new MixtapeError('invalid_flags', 'Give either --to TARGET or --music-dir DIR', { suggestion: 'e.g. `mixtape playlist unmatched "Road trip" --music-dir ~/Music`' });
  }
  const info = await findPlaylist(store, o.playlist);
  const tracks = await loadTracks(store, info.playlist_id);
  const head = { playlist_id: info.playlist_id, name: info.name ?? info.playlist_id, items: tracks.length };
  const env = o.env ?? process.env;
  const row = (i: number, reason: UnmatchedTrack['reason'], detail: string): UnmatchedTrack => {
    const t = tracks[i]!;
    return { position: i, track_id: t.trackId, artist: t.artist, title: t.title, reason, detail };
  };
  const fromOutcomes = (outcomes: match.MatchOutcome[]) => ({
    matched: outcomes.filter((m) => m.matched).length,
    match_tiers: countTiers(outcomes),
    unmatched: outcomes.flatMap((m, i) => (m.matched ? [] : [row(i, m.reason, m.detail)])),
  });
  if (o.musicDir !== undefined) {
    const { scan, outcomes } = await matchMusicDir(tracks, { musicDir: o.musicDir, env, onProgress: o.onProgress });
    const { files, from_tags, from_file_names, cached, unreadable } = scan;
    return { ...head, target: 'music-dir', ...fromOutcomes(outcomes), music_dir: { files, from_tags, from_file_names, cached, unreadable } };
  }
  const to = o.to!;
  if (o.target === undefined) assertRemote(to);
  const target = o.target ?? remoteTarget(to, env, o.spotify);
  if (target.match) return { ...head, target: to, ...fromOutcomes(await target.match(tracks, o.onProgress)) };
  const ids = await target.resolve(tracks, o.onProgress);
  const unmatched = ids.flatMap((id, i) => (id === undefined ? [row(i, 'no_id', `no ${target.label} id is known for this track: run \`mixtape enrich\` to look it up`)] : []));
  return { ...head, target: to, matched: tracks.length - unmatched.length, unmatched };
}
