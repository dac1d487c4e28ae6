import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { nameSql, normalizeName } from '@mixtape/core';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveTracks } from '../identity/resolve.js';
import { migrations } from './migrations/index.js';
import { NAME_KEYS_V2_MT_NORM } from './migrations/003-name-keys.js';
import { Store, storeFile } from './store.js';

// Names where the two engines could part: special casing, scripts, compatibility forms, marks.
const TRICKY = [
  'Beyoncé', 'The Beatles', "Guns N' Roses", 'Guns N’ Roses', 'AC/DC', 'Simon & Garfunkel', 'ΟΔΟΣ', 'Σίσυφος', 'İstanbul',
  'Straße', 'ＭＡＮＮＥＱＵＩＮ', 'ﬁsh', '소녀시대 ＆ 2PM', 'Пси(Х)еЯ', 'µ-Ziq', '℃-ute', 'Konono Nº1', 'Atom™', 'Sigur Rós',
  '  the  the  ', 'The', '', '🎵 x', 'a\u200db', 'Ö²ËÉÉì·ò', 'ǅemal', 'Ⅻ', '½', 'Mötley Crüe', 'Hồ Ngọc Hà', 'عمرو دياب', 'हिन्दी',
];

describe('the store normalizes names by the shared rule', () => {
  it('installs the SQL form @mixtape/core writes (a change of the rules needs a new migration)', () => {
    expect(NAME_KEYS_V2_MT_NORM).toBe(nameSql("coalesce(s, '')"));
  });

  it('agrees with the TypeScript form, in mt_norm and in the track name key', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    try {
      for (const s of TRICKY) {
        expect(await store.scalar('SELECT mt_norm($1)', [s]), s).toBe(normalizeName(s));
        expect(await store.scalar(`SELECT mt_name_key('track', $1, 'Song')`, [s]), s).toBe(`track|${normalizeName(s)}|song`);
      }
      expect(await store.scalar('SELECT mt_norm(NULL)')).toBe('');
    } finally {
      store.close();
    }
  });
});

describe('migration 3 on a database of the old rule', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A store as the previous release left it: every migration but 3, rows keyed by the old mt_norm. */
  async function oldStore(): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-names-'));
    const db = await DuckDBInstance.create(storeFile({ dataDir: dir }));
    const c = await db.connect();
    await c.run('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)');
    for (const m of migrations.filter((x) => x.id !== 3)) {
      await c.run(m.sql);
      await c.run('INSERT INTO schema_migrations VALUES ($1, $2, current_timestamp)', [m.id, m.name]);
    }
    await c.run(`
INSERT INTO tracks (track_id, kind, title, artist_name, artist_id, name_key, spotify_uri)
SELECT id, 'track', title, artist, 'a' || substr(md5(mt_norm(artist)), 1, 15), mt_name_key('track', artist, title), uri
FROM (VALUES ('t1', 'The Beatles', 'Don''t Let Me Down', 'spotify:track:1'), ('t2', 'AC/DC', 'T.N.T.', 'spotify:track:2'),
             ('t3', 'Simon & Garfunkel', 'The Boxer', NULL)) v(id, artist, title, uri);
INSERT INTO artists (artist_id, name, name_key) SELECT DISTINCT artist_id, artist_name, mt_norm(artist_name) FROM tracks;
INSERT INTO track_keys SELECT 'spotify', spotify_uri, track_id FROM tracks WHERE spotify_uri IS NOT NULL;
INSERT INTO track_keys SELECT 'name', name_key, track_id FROM tracks;
INSERT INTO library (source, kind, item_id, name, artist_name) VALUES ('spotify-export', 'track', 'name:' || mt_norm('AC/DC') || '|' || mt_norm('Jailbreak'), 'Jailbreak', 'AC/DC');`);
    expect(await (await c.runAndReadAll(`SELECT name_key FROM artists WHERE name = 'The Beatles'`)).getRows()).toEqual([['the beatles']]);
    c.closeSync();
    db.closeSync();
    return dir;
  }

  it('recomputes every stored name key, and later imports find the same tracks and artists', async () => {
    const store = await Store.open({ dataDir: await oldStore() });
    try {
      expect(await store.all('SELECT name, name_key FROM artists ORDER BY name')).toEqual([
        { name: 'AC/DC', name_key: 'ac dc' },
        { name: 'Simon & Garfunkel', name_key: 'simon and garfunkel' },
        { name: 'The Beatles', name_key: 'beatles' },
      ]);
      expect(await store.all(`SELECT key, track_id FROM track_keys WHERE key_type = 'name' ORDER BY track_id`)).toEqual([
        { key: 'track|beatles|dont let me down', track_id: 't1' },
        { key: 'track|ac dc|t n t', track_id: 't2' },
        { key: 'track|simon and garfunkel|boxer', track_id: 't3' },
      ]);
      expect(await store.all('SELECT track_id, name_key FROM tracks ORDER BY track_id')).toEqual([
        { track_id: 't1', name_key: 'track|beatles|dont let me down' },
        { track_id: 't2', name_key: 'track|ac dc|t n t' },
        { track_id: 't3', name_key: 'track|simon and garfunkel|boxer' },
      ]);
      expect(await store.all('SELECT item_id FROM library')).toEqual([{ item_id: 'name:ac dc|jailbreak' }]);
      const artistsBefore = await store.all('SELECT artist_id, name FROM artists ORDER BY artist_id');

      // Name-only rows, spelled as another source spells them: the known tracks and artists, no new ones.
      await store.run(`CREATE TEMP TABLE inp (row_id BIGINT, kind VARCHAR, uri VARCHAR, mbid VARCHAR, isrc VARCHAR, title VARCHAR, artist VARCHAR, album VARCHAR, duration_ms BIGINT);
        INSERT INTO inp (row_id, kind, title, artist) VALUES
        (1, 'track', 'Dont Let Me Down', 'Beatles'), (2, 'track', 'T.N.T', 'AC-DC'), (3, 'track', 'Help!', 'the beatles'), (4, 'track', 'Mrs. Robinson', 'Simon and Garfunkel')`);
      const { newTracks } = await resolveTracks(store, 'inp');
      expect(newTracks).toBe(2);
      expect(await store.all('SELECT row_id, track_id FROM inp_resolved WHERE row_id <= 2 ORDER BY row_id')).toEqual([
        { row_id: 1, track_id: 't1' },
        { row_id: 2, track_id: 't2' },
      ]);
      expect(await store.all('SELECT artist_id, name FROM artists ORDER BY artist_id')).toEqual(artistsBefore);
      const byArtist = await store.all<{ title: string; same: boolean }>(
        `SELECT t.title, t.artist_id = o.artist_id AS same FROM tracks t JOIN tracks o ON o.track_id = CASE t.title WHEN 'Help!' THEN 't1' ELSE 't3' END
         WHERE t.track_id NOT IN ('t1', 't2', 't3') ORDER BY t.title`,
      );
      expect(byArtist).toEqual([
        { title: 'Help!', same: true },
        { title: 'Mrs. Robinson', same: true },
      ]);
    } finally {
      store.close();
    }
  });
});
