import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeName } from '@mixtape/core';
import { describe, expect, it } from 'vitest';
import { appendTempTable } from './bulk.js';
import { Store } from './store.js';

const SHARED = process.env.MIXTAPE_SHARED_DATA ?? resolve(fileURLToPath(import.meta.url), '../../../../../../shared/data');

/** A data file that must be there: the agreement is only worth something on real names. */
async function read(path: string): Promise<string> {
  if (!existsSync(path)) throw new Error(`${path} is missing: the name-normalizer conformance test needs ../shared/data (or MIXTAPE_SHARED_DATA)`);
  return readFile(path, 'utf8');
}

/** Artist, track and album names as real services and listeners wrote them, with (artist, title) pairs. */
async function realNames(): Promise<{ names: string[]; pairs: Array<[string, string]> }> {
  const names = new Set<string>();
  const pairs = new Map<string, [string, string]>();
  const pair = (a: unknown, t: unknown) => {
    if (typeof a !== 'string' || typeof t !== 'string') return;
    names.add(a).add(t);
    pairs.set(`${a}\u0000${t}`, [a, t]);
  };
  for (const line of (await read(join(SHARED, 'hetrec-lastfm-2k/artists.dat'))).split('\n').slice(1)) {
    const name = line.split('\t')[1];
    if (name) names.add(name);
  }
  const p1 = join(SHARED, 'spotify-export/person-1/Spotify Account Data');
  for (const f of ['StreamingHistory_music_0.json', 'StreamingHistory_music_1.json']) {
    for (const r of JSON.parse(await read(join(p1, f))) as Array<Record<string, unknown>>) pair(r.artistName, r.trackName);
  }
  const p2 = join(SHARED, 'spotify-export/person-2/Spotify Extended Streaming History');
  if (!existsSync(p2)) throw new Error(`${p2} is missing: the name-normalizer conformance test needs ../shared/data`);
  for (const f of (await readdir(p2)).filter((x) => x.endsWith('.json'))) {
    for (const r of JSON.parse(await read(join(p2, f))) as Array<Record<string, unknown>>) {
      pair(r.master_metadata_album_artist_name, r.master_metadata_track_name);
      if (typeof r.master_metadata_album_album_name === 'string') names.add(r.master_metadata_album_album_name);
    }
  }
  const mpd = JSON.parse(await read(join(SHARED, 'mpd/mpd.slice.0-999.excerpt-pid0.json'))) as { playlists: Array<{ tracks: Array<Record<string, unknown>> }> };
  for (const p of mpd.playlists) for (const t of p.tracks) pair(t.artist_name, t.track_name);
  return { names: [...names], pairs: [...pairs.values()] };
}

describe('conformance: the SQL and TypeScript name normalizers agree on real names', () => {
  it('gives every real artist, track and album name the same key in DuckDB and in TypeScript', async () => {
    const { names, pairs } = await realNames();
    expect(names.length).toBeGreaterThan(20_000);
    expect(pairs.length).toBeGreaterThan(5_000);
    const store = await Store.open({ dataDir: ':memory:' });
    try {
      await appendTempTable(store, 'real_names', [['name', 'VARCHAR']], names.map((n) => [n]));
      const sql = await store.all<{ name: string; key: string }>('SELECT name, mt_norm(name) AS key FROM real_names');
      const differ = sql.filter((r) => r.key !== normalizeName(r.name)).map((r) => ({ name: r.name, sql: r.key, ts: normalizeName(r.name) }));
      expect(sql.length).toBe(names.length);
      expect(differ.slice(0, 20)).toEqual([]);

      await appendTempTable(store, 'real_pairs', [['artist', 'VARCHAR'], ['title', 'VARCHAR']], pairs);
      const keys = await store.all<{ artist: string; title: string; key: string | null }>(`SELECT artist, title, mt_name_key('track', artist, title) AS key FROM real_pairs`);
      const ts = (a: string, t: string) => (t.trim() === '' ? null : `track|${normalizeName(a)}|${normalizeName(t)}`);
      expect(keys.filter((r) => r.key !== ts(r.artist, r.title)).slice(0, 20)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
