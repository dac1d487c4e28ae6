import type { ProgressFn } from '@mixtape/core';
import { lastfm } from '@mixtape/connectors';
import { syncLastfm } from '../enrich/lastfm-sync.js';
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

/**
 * Every source `mixtape daily` knows, in sync order; a source runs when its environment is set.
 *
 * TODO(lead, issue 15): register these as their branches merge (they are not stubbed here):
 * - listenbrainz: `syncListenBrainz(store, { user: env.LISTENBRAINZ_USER, overlapDays })`, env LISTENBRAINZ_USER
 * - subsonic: `syncSubsonic(store, opts)` (stars become likes, play counts), env SUBSONIC_URL, SUBSONIC_USER, SUBSONIC_PASSWORD
 * - jellyfin: `syncJellyfin(store, opts)` (favourites, play counts), env JELLYFIN_URL, JELLYFIN_TOKEN
 */
export const DAILY_SOURCES: readonly DailySource[] = [lastfmSource];
