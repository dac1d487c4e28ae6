import type { ProgressFn } from '@mixtape/core';
import { lastfm } from '@mixtape/connectors';
import { syncLastfm } from '../enrich/lastfm-sync.js';
import { syncListenBrainz } from '../import/listenbrainz-sync.js';
import { syncJellyfin, syncSubsonic } from '../server-sync/sync.js';
import type { ServerSyncCounts } from '../server-sync/record.js';
import type { Store } from '../store/store.js';

/** What one source's sync brought in. */
export interface SourceSync {
  /** New plays stored. */
  plays: number;
  /** Likes, loves, stars (and their undoing) read from the source. */
  feedback: number;
  detail?: Record<string, unknown>;
}

/** A place the listener's new listens and feedback come from, synced incrementally by `mixtape daily`. */
export interface DailySource {
  name: string;
  /** The environment variables that configure it (all of them needed). */
  env: readonly string[];
  configured(env: NodeJS.ProcessEnv): boolean;
  sync(store: Store, ctx: { env: NodeJS.ProcessEnv; onProgress?: ProgressFn }): Promise<SourceSync>;
}

const allSet = (names: readonly string[]) => (env: NodeJS.ProcessEnv) => names.every((n) => Boolean(env[n]));

/** Last.fm scrobbles and loved tracks (`mixtape import lastfm --user`), for the user in LASTFM_USER. */
const lastfmSource: DailySource = {
  name: 'lastfm',
  env: ['LASTFM_USER', 'LASTFM_API_KEY'],
  configured: allSet(['LASTFM_USER', 'LASTFM_API_KEY']),
  async sync(store, ctx) {
    const { client, apiKey } = lastfm.lastfmClient({ env: ctx.env });
    const s = await syncLastfm({ store, user: ctx.env.LASTFM_USER!, client, apiKey, ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) });
    return { plays: s.inserted, feedback: s.loved, detail: { scrobbles: s.scrobbles, duplicates: s.duplicates, requests: s.requests } };
  },
};

/** ListenBrainz listens (`mixtape import listenbrainz --user`), re-reading an overlap window for backdated ones. */
const listenBrainzSource: DailySource = {
  name: 'listenbrainz',
  env: ['LISTENBRAINZ_USER'],
  configured: allSet(['LISTENBRAINZ_USER']),
  async sync(store, ctx) {
    const s = await syncListenBrainz(store, { user: ctx.env.LISTENBRAINZ_USER!, env: ctx.env, ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) });
    return { plays: s.added, feedback: s.feedback, detail: { listens: s.listens, duplicates: s.duplicates, already_elsewhere: s.alreadyElsewhere } };
  },
};

/** A media server's stars or favourites (likes, and their undoing) and play counts (as 'played' evidence, not plays). */
const serverResult = (s: ServerSyncCounts): SourceSync => ({
  plays: 0,
  feedback: s.likes_added + s.likes_removed + s.played_songs,
  detail: { likes_added: s.likes_added, likes_removed: s.likes_removed, played_songs: s.played_songs, new_tracks: s.new_tracks },
});

const subsonicSource: DailySource = {
  name: 'subsonic',
  env: ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD'],
  configured: allSet(['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD']),
  sync: async (store, ctx) => serverResult(await syncSubsonic(store, { env: ctx.env, ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) })),
};

const jellyfinSource: DailySource = {
  name: 'jellyfin',
  env: ['JELLYFIN_URL', 'JELLYFIN_TOKEN'],
  configured: allSet(['JELLYFIN_URL', 'JELLYFIN_TOKEN']),
  sync: async (store, ctx) => serverResult(await syncJellyfin(store, { env: ctx.env, ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) })),
};

/** Every source `mixtape daily` knows, in sync order; a source runs when its environment is set. */
export const DAILY_SOURCES: readonly DailySource[] = [lastfmSource, listenBrainzSource, subsonicSource, jellyfinSource];
