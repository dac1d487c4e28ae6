import type { ProgressFn } from '@mixtape/core';
import type { playlistFiles } from '@mixtape/connectors';
import { remoteTarget } from '../push/push.js';
import type { RemoteTarget } from '../push/remote.js';

/** A service `mixtape daily` keeps its playlist on. */
export interface DailyTarget {
  name: string;
  /** The environment variables that configure it. */
  env: readonly string[];
  /** Whether it is used without being named in `--to`. */
  configured(env: NodeJS.ProcessEnv): boolean;
  open(env: NodeJS.ProcessEnv): RemoteTarget;
}

const allSet = (names: readonly string[]) => (env: NodeJS.ProcessEnv) => names.every((n) => Boolean(env[n]));
const service = (name: string, env: readonly string[], byDefault = true): DailyTarget => ({
  name, env, configured: byDefault ? allSet(env) : () => false, open: (e) => remoteTarget(name, e),
});

/**
 * Every service target of the daily playlist. Spotify is used only when named (`--to spotify`):
 * a stored login is for exports too, not a wish to get a daily playlist there.

 */
export const DAILY_TARGETS: readonly DailyTarget[] = [
  service('subsonic', ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD']),
  service('jellyfin', ['JELLYFIN_URL', 'JELLYFIN_TOKEN']),
  service('listenbrainz', ['LISTENBRAINZ_TOKEN']),
  service('deezer', ['DEEZER_ACCESS_TOKEN']),
  service('spotify', ['SPOTIFY_ACCESS_TOKEN'], false),
];

type PlaylistTrack = playlistFiles.PlaylistTrack;

/**
 * A target whose `resolve` answers from one match of the whole catalogue: the library is read once
 * per run, both to know what the server has and to push the picks.
 */
export async function matchedTarget(t: RemoteTarget, catalogue: PlaylistTrack[], onProgress?: ProgressFn): Promise<{ target: RemoteTarget; available: Set<string> }> {
  const ids = await t.resolve(catalogue, onProgress);
  const known = new Map<string, string>();
  ids.forEach((id, i) => (id === undefined ? undefined : known.set(catalogue[i]!.trackId, id)));
  const target: RemoteTarget = {
    key: t.key,
    label: t.label,
    cap: t.cap,
    batch: t.batch,
    resolve: async (tracks) => tracks.map((x) => known.get(x.trackId)),
    create: (name, description) => t.create(name, description),
    count: (id) => t.count(id),
    replace: (id, list, current) => t.replace(id, list, current),
    append: (id, list) => t.append(id, list),
    rename: (id, name) => t.rename(id, name),
    ...(t.describe ? { describe: (id: string, d: string) => t.describe!(id, d) } : {}),
    ...(t.find ? { find: (name: string) => t.find!(name) } : {}),
    ...(t.check ? { check: (id: string, name: string) => t.check!(id, name) } : {}),
    requests: () => t.requests(),
  };
  return { target, available: new Set(known.keys()) };
}
