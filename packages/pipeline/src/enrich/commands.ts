import type { ProgressFn } from '@mixtape/core';
import { lastfm } from '@mixtape/connectors';
import { withStore } from '../store/store.js';
import { enrichArtists, type ArtistEnrichSummary } from './artists.js';
import { enrichTracks, type EnrichSourceName, type EnrichSummary } from './enrich.js';
import { syncLastfm, type LastfmSyncSummary } from './lastfm-sync.js';

const storeOptions = (dataDir: string | undefined) => (dataDir === undefined ? {} : { dataDir });

/** `mixtape enrich`: opens the store and runs the chosen sources. */
export async function enrichStore(o: { dataDir?: string | undefined; sources?: string | undefined; limit?: number | undefined; refresh?: boolean; onProgress?: ProgressFn }): Promise<EnrichSummary> {
  const sources = o.sources ? (o.sources.split(',').map((s) => s.trim()).filter(Boolean) as EnrichSourceName[]) : undefined;
  return withStore(storeOptions(o.dataDir), (store) =>
    enrichTracks({ store, ...(sources ? { sources } : {}), ...(o.limit !== undefined ? { limit: o.limit } : {}), refresh: o.refresh ?? false, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }),
  );
}

/** `mixtape enrich --artists FILE`: opens the store and looks the listed artists up on Last.fm. */
export async function enrichStoreArtists(o: { dataDir?: string | undefined; file: string; refresh?: boolean; onProgress?: ProgressFn }): Promise<ArtistEnrichSummary> {
  return withStore(storeOptions(o.dataDir), (store) => enrichArtists({ store, file: o.file, refresh: o.refresh ?? false, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }));
}

/** `mixtape import lastfm --user NAME`: LASTFM_API_KEY from the environment. */
export async function importLastfmUser(o: { dataDir?: string | undefined; user: string; onProgress?: ProgressFn }): Promise<LastfmSyncSummary> {
  const { client, apiKey } = lastfm.lastfmClient();
  return withStore(storeOptions(o.dataDir), (store) => syncLastfm({ store, user: o.user, client, apiKey, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }));
}
