import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { implausiblePlay, lastfm, type HttpClient } from '@mixtape/connectors';
import { resolveTracks } from '../identity/resolve.js';
import { dropScrobbledElsewhere, dropScrobblesHeardOnSpotify, mergePlays } from '../import/merge-plays.js';
import { runStream } from '../runner/run-stream.js';
import { recordRun } from '../runner/runs.js';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';

export interface LastfmSyncSummary {
  user: string;
  scrobbles: number;
  inserted: number;
  duplicates: number;
  alreadyFromSpotify: number;
  /** Scrobbles that cannot be listens (a time before 2000 or in the future), by reason; not stored. */
  rejected: Record<string, number>;
  loved: number;
  pages: number;
  requests: number;
  resumed: boolean;
  from: string | null;
}

/** The window of one sync pass: newer than the newest stored scrobble, up to the pass start. */
interface SyncMark {
  from: number;
  to: number;
}

const ITEM_COLUMNS = [['row_id', 'BIGINT'], ['kind', 'VARCHAR'], ['uri', 'VARCHAR'], ['mbid', 'VARCHAR'], ['isrc', 'VARCHAR'], ['title', 'VARCHAR'], ['artist', 'VARCHAR'], ['album', 'VARCHAR'], ['duration_ms', 'BIGINT']] as const;

async function resolveScrobbles(store: Store, list: lastfm.Scrobble[]): Promise<void> {
  await appendTempTable(store, 'lf_items', ITEM_COLUMNS, list.map((s, i): Cell[] => [i, 'track', null, s.mbid ?? null, null, s.title, s.artist, s.album ?? null, null]));
  await resolveTracks(store, 'lf_items');
}

/**
 * Writes one page of scrobbles as plays. A scrobble carries the start of a listen, a Spotify play
 * its end: one whose start (end minus ms_played) is within 90 s, same track, is the same listen.
 */
async function writeScrobbles(store: Store, page: lastfm.Scrobble[], rejected: Record<string, number>): Promise<{ inserted: number; duplicates: number; spotify: number }> {
  // A scrobble from 2099 would also become the sync's high-water mark and hide every later one.
  const list = page.filter((s) => {
    const reason = implausiblePlay(s.uts * 1000);
    if (reason) rejected[reason] = (rejected[reason] ?? 0) + 1;
    return reason === undefined;
  });
  if (list.length === 0) return { inserted: 0, duplicates: 0, spotify: 0 };
  await resolveScrobbles(store, list);
  await appendTempTable(store, 'lf_plays', [['row_id', 'BIGINT'], ['played_at', 'TIMESTAMP']], list.map((s, i) => [i, s.uts * 1000]));
  await store.run(`CREATE OR REPLACE TEMP TABLE imp_plays AS
    SELECT p.played_at, r.track_id, 'track' AS kind, NULL::BIGINT AS ms_played, 'lastfm' AS source, 1 AS precision_s, NULL::BOOLEAN AS skipped,
           NULL::VARCHAR AS reason_start, NULL::VARCHAR AS reason_end, NULL::BOOLEAN AS shuffle, NULL::BOOLEAN AS offline, NULL::TIMESTAMP AS offline_at,
           NULL::BOOLEAN AS incognito, NULL::VARCHAR AS platform, NULL::VARCHAR AS conn_country, p.row_id AS ord
    FROM lf_plays p JOIN lf_items_resolved r USING (row_id)`);
  const spotify = await dropScrobblesHeardOnSpotify(store);
  const elsewhere = await dropScrobbledElsewhere(store);
  const m = await mergePlays(store, 'lastfm:api');
  return { inserted: m.inserted, duplicates: m.duplicates + elsewhere.sameSource + elsewhere.otherSource, spotify };
}

/** One page of loved tracks into the library (source lastfm), keyed by the resolved track. */
async function writeLoved(store: Store, loved: lastfm.Scrobble[]): Promise<number> {
  if (loved.length === 0) return 0;
  await resolveScrobbles(store, loved);
  await appendTempTable(store, 'lf_loved', [['row_id', 'BIGINT'], ['added_at', 'TIMESTAMP'], ['title', 'VARCHAR'], ['artist', 'VARCHAR']], loved.map((s, i) => [i, s.uts * 1000, s.title, s.artist]));
  await store.run(`INSERT OR REPLACE INTO library (source, kind, item_id, name, artist_name, uri, added_at)
    SELECT DISTINCT ON (r.track_id) 'lastfm', 'track', r.track_id, l.title, l.artist, NULL, l.added_at FROM lf_loved l JOIN lf_items_resolved r USING (row_id)`);
  return loved.length;
}

/**
 * `mixtape import lastfm --user NAME`: scrobbles newer than the newest stored one, pages of 200,
 * each page with its checkpoint in one transaction; then loved tracks into the library, the same way.
 */
export async function syncLastfm(o: { store: Store; user: string; client: HttpClient; apiKey: string; onProgress?: ProgressFn }): Promise<LastfmSyncSummary> {
  const { store, user, client, apiKey } = o;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(user)) throw new MixtapeError('invalid_user', `"${user}" is not a Last.fm user name`, { suggestion: 'pass the name shown in your Last.fm profile URL' });
  const progress = o.onProgress ?? noProgress;
  const summary: LastfmSyncSummary = { user, scrobbles: 0, inserted: 0, duplicates: 0, alreadyFromSpotify: 0, rejected: {}, loved: 0, pages: 0, requests: 0, resumed: false, from: null };
  return recordRun(store, `import lastfm ${user}`, async () => {
    const newest = await store.scalar<string | null>(`SELECT max(played_at)::VARCHAR FROM plays WHERE source = 'lastfm'`);
    const r = await runStream<lastfm.Scrobble, unknown, SyncMark>(store, {
      key: `lastfm.recent:${user.toLowerCase()}`,
      source: 'lastfm',
      stream: (_hwm, pending) => {
        // A resumed pass keeps its window; a fresh one runs from the newest stored scrobble to now.
        const window: SyncMark = pending ?? { from: newest ? Math.floor(Date.parse(`${newest}Z`) / 1000) + 1 : 0, to: Math.floor(Date.now() / 1000) };
        summary.from = window.from ? new Date(window.from * 1000).toISOString() : null;
        return lastfm.recentTracksStream(client, apiKey, { user, window });
      },
      write: async (page) => {
        const w = await writeScrobbles(store, page.records, summary.rejected);
        summary.inserted += w.inserted;
        summary.duplicates += w.duplicates;
        summary.alreadyFromSpotify += w.spotify;
        summary.scrobbles += page.records.length;
        progress({ unit: 'scrobbles', done: summary.scrobbles, ...(page.total !== undefined ? { total: page.total } : {}), message: `page ${page.key} · ${client.stats.requests} requests` });
        return w.inserted;
      },
    });
    summary.pages = r.pages;
    summary.resumed = r.resumed;
    const loved = await runStream<lastfm.Scrobble, unknown, null>(store, {
      key: `lastfm.loved:${user.toLowerCase()}`,
      source: 'lastfm',
      stream: () => lastfm.lovedTracksStream(client, apiKey, { user }),
      write: (page) => writeLoved(store, page.records),
    });
    summary.loved = loved.records;
    summary.requests = client.stats.requests;
    return summary;
  });
}
