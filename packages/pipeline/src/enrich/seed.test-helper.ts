import type { Store } from '../store/store.js';

/** Seeds `n` catalogue tracks (the fake services' catalogue) into the library; every 25th has no ISRC. */
export async function seedCatalogue(store: Store, n: number): Promise<void> {
  await store.run(`
INSERT INTO tracks (track_id, kind, title, artist_name, album_name, duration_ms, isrc, artist_id, name_key)
SELECT 'tk' || lpad(i::VARCHAR, 8, '0'), 'track', 'Track ' || i, 'Artist ' || (i % 997), 'Album ' || (i % 2003), 120000 + (i % 180) * 1000,
       CASE WHEN i % 25 = 24 THEN NULL ELSE 'QZMX' || lpad(i::VARCHAR, 8, '0') END,
       'a' || substr(md5(mt_norm('Artist ' || (i % 997))), 1, 15), mt_name_key('track', 'Artist ' || (i % 997), 'Track ' || i)
FROM range(${n}) r(i);
INSERT INTO track_keys SELECT 'name', name_key, track_id FROM tracks;
INSERT INTO artists (artist_id, name, name_key) SELECT DISTINCT artist_id, artist_name, mt_norm(artist_name) FROM tracks;
INSERT INTO library (source, kind, item_id, name, artist_name, added_at) SELECT 'test', 'track', track_id, title, artist_name, now() FROM tracks;`);
}
