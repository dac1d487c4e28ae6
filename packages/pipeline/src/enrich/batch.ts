import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { artistIdSql } from '../identity/artist-id.js';
import type { CachedGetter } from '../http-cache/cache.js';
import type { DbLock } from '../http-cache/lock.js';

/**
 * Results of many tracks, written together: every table by appender plus a few set-based
 * statements, in one transaction with the tracks' states, so a kill loses at most one batch.
 */
export class EnrichBatch {
  tracks = 0;
  /** Tags replace a source's earlier tags on that item. */
  readonly tags: Cell[][] = [];
  readonly tagOwners: Cell[][] = [];
  readonly similarArtists: Cell[][] = [];
  readonly similarTracks: Cell[][] = [];
  readonly deezer: Cell[][] = [];
  readonly trackIds: Cell[][] = [];
  readonly keys: Cell[][] = [];
  readonly artistIds: Cell[][] = [];
  readonly states: Cell[][] = [];

  /** Tags of a track or artist from a source (weights in [0, 1]). */
  setTags(kind: 'track' | 'artist', id: string, source: string, tags: { name: string; weight: number }[]): void {
    this.tagOwners.push([kind, id, source]);
    const seen = new Set<string>();
    for (const t of tags) {
      const name = t.name.trim().toLowerCase();
      if (name === '' || seen.has(name)) continue;
      seen.add(name);
      this.tags.push([kind, id, source, name, t.weight]);
    }
  }

  addSimilarArtists(from: string, source: string, list: { name: string; weight: number; mbid?: string | undefined; deezerId?: number | undefined }[]): void {
    for (const a of list) this.similarArtists.push([from, source, a.name, a.weight, a.mbid ?? null, a.deezerId ?? null]);
  }

  addSimilarTracks(from: string, source: string, list: { name: string; artist: string; weight: number; mbid?: string | undefined }[]): void {
    for (const t of list) this.similarTracks.push([from, source, t.name, t.artist, t.weight, t.mbid ?? null]);
  }

  /** Ids learned for a track (null leaves a known one as it is). */
  /** A service's ids for a track, and its length: each fills only what the track lacks (a Deezer id is replaced). */
  setTrackIds(trackId: string, ids: { deezerId?: number | null; isrc?: string | null; mbid?: string | null; durationMs?: number | null }): void {
    this.trackIds.push([trackId, ids.deezerId ?? null, ids.isrc ?? null, ids.mbid ?? null, ids.durationMs && ids.durationMs > 0 ? Math.round(ids.durationMs) : null]);
    if (ids.deezerId) this.keys.push(['deezer', String(ids.deezerId), trackId]);
    if (ids.mbid) this.keys.push(['mbid', ids.mbid, trackId]);
  }

  setArtistIds(artistId: string, ids: { deezerId?: number | null; mbid?: string | null }): void {
    this.artistIds.push([artistId, ids.deezerId ?? null, ids.mbid ?? null]);
  }

  state(itemId: string, source: string, status: string, detail?: string): void {
    this.tracks++;
    this.states.push([itemId, source, status, detail ?? null]);
  }

  /** Writes everything; call inside a transaction. */
  async write(store: Store): Promise<void> {
    const V = 'VARCHAR' as const;
    const D = 'DOUBLE' as const;
    const B = 'BIGINT' as const;
    if (this.tagOwners.length) {
      await appendTempTable(store, '_eb_owners', [['kind', V], ['id', V], ['source', V]], this.tagOwners);
      await appendTempTable(store, '_eb_tags', [['kind', V], ['id', V], ['source', V], ['tag', V], ['weight', D]], this.tags);
      await store.run(`
DELETE FROM track_tags WHERE (track_id, source) IN (SELECT (id, source) FROM _eb_owners WHERE kind = 'track');
DELETE FROM artist_tags WHERE (artist_id, source) IN (SELECT (id, source) FROM _eb_owners WHERE kind = 'artist');
INSERT OR IGNORE INTO tags SELECT DISTINCT tag FROM _eb_tags;
INSERT OR REPLACE INTO track_tags (track_id, tag, weight, source) SELECT DISTINCT ON (id, tag, source) id, tag, weight, source FROM _eb_tags WHERE kind = 'track';
INSERT OR REPLACE INTO artist_tags (artist_id, tag, weight, source) SELECT DISTINCT ON (id, tag, source) id, tag, weight, source FROM _eb_tags WHERE kind = 'artist';`);
    }
    if (this.similarArtists.length) {
      await appendTempTable(store, '_eb_sa', [['from_id', V], ['source', V], ['n', V], ['w', D], ['m', V], ['d', B]], this.similarArtists);
      // Targets by their ids first (MusicBrainz, Deezer), then by normalized name, as identity resolution does.
      await store.run(`
CREATE OR REPLACE TEMP TABLE _eb_sa1 AS SELECT * REPLACE (nullif(lower(trim(m)), '') AS m) FROM _eb_sa WHERE mt_norm(n) <> '';
CREATE OR REPLACE TEMP TABLE _eb_sa2 AS SELECT coalesce(
    (SELECT min(ka.artist_id) FROM artists ka WHERE ka.mbid = s.m),
    (SELECT min(ka.artist_id) FROM artists ka WHERE ka.deezer_id = s.d),
    ${artistIdSql('s.n')}) AS to_id, s.* FROM _eb_sa1 s;
UPDATE artists SET mbid = coalesce(artists.mbid, x.m), deezer_id = coalesce(artists.deezer_id, x.d)
  FROM (SELECT to_id, max(m) AS m, max(d) AS d FROM _eb_sa2 GROUP BY to_id) x
  WHERE artists.artist_id = x.to_id AND ((artists.mbid IS NULL AND x.m IS NOT NULL) OR (artists.deezer_id IS NULL AND x.d IS NOT NULL));
INSERT OR IGNORE INTO artists (artist_id, name, name_key, mbid, deezer_id)
  SELECT DISTINCT ON (to_id) to_id, n, mt_norm(n), m, d FROM _eb_sa2 WHERE to_id NOT IN (SELECT artist_id FROM artists);
INSERT OR REPLACE INTO "similar" (from_id, to_id, kind, weight, source)
  SELECT DISTINCT ON (from_id, to_id, source) from_id, to_id, 'artist', w, source FROM _eb_sa2 WHERE to_id <> from_id ORDER BY from_id, to_id, source, w DESC;`);
    }
    if (this.similarTracks.length) {
      // Targets by MusicBrainz id first, then by normalized name unless the named track holds another
      // MusicBrainz id (identity resolution's rule); unknown ones become tracks with the id resolution
      // would give them ('t' + md5 of 'mbid:' + id, else of 'name:' + key).
      await appendTempTable(store, '_eb_st', [['from_id', V], ['source', V], ['t', V], ['a', V], ['w', D], ['m', V]], this.similarTracks);
      await store.run(`
CREATE OR REPLACE TEMP TABLE _eb_st2 AS SELECT * REPLACE (nullif(lower(trim(m)), '') AS m), mt_name_key('track', a, t) AS k, NULL::VARCHAR AS to_id
  FROM _eb_st WHERE mt_name_key('track', a, t) IS NOT NULL;
UPDATE _eb_st2 SET to_id = tk.track_id FROM track_keys tk WHERE tk.key_type = 'mbid' AND tk.key = _eb_st2.m;
UPDATE _eb_st2 SET to_id = tk.track_id FROM track_keys tk
  WHERE _eb_st2.to_id IS NULL AND tk.key_type = 'name' AND tk.key = _eb_st2.k
    AND NOT EXISTS (SELECT 1 FROM track_keys o WHERE o.track_id = tk.track_id AND o.key_type = 'mbid' AND o.key <> _eb_st2.m);
UPDATE _eb_st2 SET to_id = 't' || substr(md5(CASE WHEN m IS NULL THEN 'name:' || k ELSE 'mbid:' || m END), 1, 15) WHERE to_id IS NULL;
INSERT OR IGNORE INTO tracks (track_id, kind, title, artist_name, artist_id, name_key, mbid)
  SELECT to_id, 'track', t, a, ${artistIdSql('a')}, k, m FROM (SELECT DISTINCT ON (to_id) * FROM _eb_st2 WHERE to_id NOT IN (SELECT track_id FROM tracks));
UPDATE tracks SET mbid = x.m FROM (SELECT to_id, min(m) AS m FROM _eb_st2 WHERE m IS NOT NULL GROUP BY to_id) x WHERE tracks.track_id = x.to_id AND tracks.mbid IS NULL;
INSERT OR IGNORE INTO track_keys SELECT DISTINCT ON (m) 'mbid', m, to_id FROM _eb_st2 WHERE m IS NOT NULL;
INSERT OR IGNORE INTO track_keys SELECT DISTINCT ON (k) 'name', k, to_id FROM _eb_st2;
INSERT OR REPLACE INTO "similar" (from_id, to_id, kind, weight, source)
  SELECT DISTINCT ON (from_id, to_id, source) from_id, to_id, 'track', w, source FROM _eb_st2 WHERE to_id <> from_id ORDER BY from_id, to_id, source, w DESC;`);
    }
    if (this.deezer.length) {
      await appendTempTable(store, '_eb_dz', [['track_id', V], ['deezer_id', B], ['matched_by', V], ['score', D], ['bpm', D], ['gain', D], ['rank', B], ['release_date', V], ['album_id', B], ['genres', V], ['contributors', V]], this.deezer);
      await store.run(`INSERT OR REPLACE INTO deezer_tracks SELECT track_id, deezer_id, matched_by, score, bpm, gain, rank, release_date, album_id, genres::JSON::VARCHAR[], contributors::JSON, current_timestamp FROM _eb_dz`);
    }
    if (this.trackIds.length) {
      await appendTempTable(store, '_eb_ids', [['track_id', V], ['deezer_id', B], ['isrc', V], ['mbid', V], ['duration_ms', B]], this.trackIds);
      await store.run(`UPDATE tracks SET deezer_id = coalesce(i.deezer_id, tracks.deezer_id), isrc = coalesce(tracks.isrc, i.isrc), mbid = coalesce(tracks.mbid, i.mbid),
          duration_ms = coalesce(tracks.duration_ms, i.duration_ms)
        FROM (SELECT track_id, max(deezer_id) AS deezer_id, max(isrc) AS isrc, max(mbid) AS mbid, max(duration_ms) AS duration_ms FROM _eb_ids GROUP BY track_id) i WHERE tracks.track_id = i.track_id`);
    }
    if (this.keys.length) {
      await appendTempTable(store, '_eb_keys', [['key_type', V], ['key', V], ['track_id', V]], this.keys);
      await store.run('INSERT OR IGNORE INTO track_keys SELECT DISTINCT ON (key_type, key) key_type, key, track_id FROM _eb_keys');
    }
    if (this.artistIds.length) {
      await appendTempTable(store, '_eb_art', [['artist_id', V], ['deezer_id', B], ['mbid', V]], this.artistIds);
      await store.run(`UPDATE artists SET deezer_id = coalesce(artists.deezer_id, a.deezer_id), mbid = coalesce(artists.mbid, a.mbid)
        FROM (SELECT artist_id, max(deezer_id) AS deezer_id, max(mbid) AS mbid FROM _eb_art GROUP BY artist_id) a WHERE artists.artist_id = a.artist_id`);
    }
    if (this.states.length) {
      await appendTempTable(store, '_eb_state', [['item_id', V], ['source', V], ['status', V], ['detail', V]], this.states);
      await store.run('INSERT OR REPLACE INTO enrich_state SELECT DISTINCT ON (item_id, source) item_id, source, status, detail, current_timestamp FROM _eb_state');
    }
  }
}

/**
 * The batch being filled and its group commit: the results, states and cache entries of many items
 * in one transaction, under the lock that keeps the store's one connection to one statement at a time.
 */
export class BatchCommitter {
  batch = new EnrichBatch();

  constructor(
    private readonly store: Store,
    private readonly getters: readonly CachedGetter[],
    private readonly lock: DbLock,
  ) {}

  async commit(): Promise<void> {
    const full = this.batch;
    this.batch = new EnrichBatch();
    await this.lock.run(() =>
      this.store.transaction(async () => {
        await full.write(this.store);
        for (const g of this.getters) await g.flush();
      }),
    );
  }
}
