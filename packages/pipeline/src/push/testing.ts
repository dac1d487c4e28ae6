import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Deterministic ids of synthetic track `i`, for tests and benchmarks of pushes. */
export function syntheticTrack(i: number): { track_id: string; title: string; artist: string; album: string; duration_ms: number; spotify_uri: string; mbid: string; deezer_id: number; isrc: string } {
  let n = i + 1;
  let id = '';
  while (id.length < 22) {
    id = B62[n % 62] + id;
    n = Math.floor(n / 62);
  }
  return {
    track_id: `t${i}`,
    title: `Song ${i}`,
    artist: `Artist ${i % 500}`,
    album: `Album ${Math.floor(i / 12)}`,
    duration_ms: 150_000 + (i % 90) * 1000,
    spotify_uri: `spotify:track:${id}`,
    mbid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    deezer_id: 3_000_000 + i,
    isrc: `QZ${String(i).padStart(10, '0')}`,
  };
}

/**
 * Stores a synthetic playlist of `n` tracks (0..n-1 by default, or `order`) with every id a push
 * needs; `without` lists track numbers stored without Spotify URI, MBID and Deezer id.
 */
export async function seedSyntheticPlaylist(store: Store, o: { playlistId: string; name: string; n: number; order?: number[]; without?: Set<number> }): Promise<void> {
  const order = o.order ?? Array.from({ length: o.n }, (_, i) => i);
  const distinct = [...new Set(order)];
  await store.transaction(async () => {
    await appendTempTable(store, '_seed_tracks', [['track_id', 'VARCHAR'], ['title', 'VARCHAR'], ['artist_name', 'VARCHAR'], ['album_name', 'VARCHAR'], ['duration_ms', 'BIGINT'], ['spotify_uri', 'VARCHAR'], ['mbid', 'VARCHAR'], ['deezer_id', 'BIGINT'], ['isrc', 'VARCHAR']],
      distinct.map((i) => {
        const t = syntheticTrack(i);
        const bare = o.without?.has(i);
        return [t.track_id, t.title, t.artist, t.album, t.duration_ms, bare ? null : t.spotify_uri, bare ? null : t.mbid, bare ? null : t.deezer_id, bare ? null : t.isrc];
      }));
    await store.run('INSERT OR IGNORE INTO tracks (track_id, title, artist_name, album_name, duration_ms, spotify_uri, mbid, deezer_id, isrc) SELECT * FROM _seed_tracks');
    await appendTempTable(store, '_seed_items', [['position', 'BIGINT'], ['track_id', 'VARCHAR']], order.map((i, p) => [p, `t${i}`]));
    await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [o.playlistId]);
    await store.run('DELETE FROM playlists WHERE playlist_id = $1', [o.playlistId]);
    await store.run(`INSERT INTO playlists (playlist_id, source, name, owner, description, item_count) VALUES ($1, 'spotify', $2, 'listener', 'synthetic', $3)`, [o.playlistId, o.name, order.length]);
    await store.run(`INSERT INTO playlist_items (playlist_id, position, track_id, kind, is_local) SELECT $1, position, track_id, 'track', false FROM _seed_items`, [o.playlistId]);
  });
}
