import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastfm } from '@mixtape/connectors';
import { FakeLastfm } from '@mixtape/fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { enrichArtists } from './artists.js';
import { writeHubFeatures } from './hub-features.js';

const lf = new FakeLastfm({ rate: { count: 150, windowMs: 1000 } });
let env: Record<string, string>;
let t: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  await lf.start();
  env = { MIXTAPE_LASTFM_API_URL: `${lf.url}/2.0/`, MIXTAPE_LASTFM_RATE: '150/1s', LASTFM_API_KEY: 'test-key' };
});
afterAll(() => lf.stop());
beforeEach(async () => {
  t = await tempDir();
});
afterEach(() => t.cleanup());

const client = () => lastfm.lastfmClient({ env }).client;

describe('enrichArtists (mixtape enrich --artists)', () => {
  it('looks up the listed artists the store lacks or has no Last.fm tags for, once', async () => {
    const list = join(t.dir, 'artists.txt');
    // Artist 7 twice in two spellings; one name Last.fm does not know; Artist 5 already has Last.fm tags.
    await writeFile(list, 'Artist 5\nArtist 7\nARTIST 7\nNobody Known\nArtist 12\n');
    await withStore({ dataDir: t.dir }, (store) =>
      store.run(`INSERT INTO artists (artist_id, name, name_key) VALUES ('a-five', 'Artist 5', 'artist 5');
                 INSERT INTO artist_tags VALUES ('a-five', 'kept', 100, 'lastfm');`),
    );
    const first = await withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env, client: client() }));
    expect(first).toMatchObject({ listed: 4, known: 1, enriched: 2, notFound: 1, failed: 0 });
    // Two lookups per known artist (tags, similar), one for the unknown name.
    expect(first.requests).toBe(5);
    const second = await withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env, client: client() }));
    expect(second).toMatchObject({ listed: 4, known: 4, enriched: 0, requests: 0 });

    await withStore({ dataDir: t.dir }, async (store) => {
      // The stored Artist 5 kept its id and its tags; the others were added under the ids identity resolution gives names.
      expect(await store.all(`SELECT tag FROM artist_tags WHERE artist_id = 'a-five'`)).toEqual([{ tag: 'kept' }]);
      const tags = await store.all<{ name: string; tag: string }>(`SELECT a.name, t.tag FROM artist_tags t JOIN artists a USING (artist_id) WHERE a.name_key = 'artist 7' ORDER BY t.tag`);
      expect(tags).toEqual([{ name: 'Artist 7', tag: 'rock' }, { name: 'Artist 7', tag: 'scene 7' }]);
      expect(Number(await store.scalar(`SELECT count(*) FROM artists WHERE name_key = 'artist 7'`))).toBe(1);
      const similar = await store.all<{ name: string }>(`SELECT b.name FROM "similar" s JOIN artists a ON a.artist_id = s.from_id JOIN artists b ON b.artist_id = s.to_id WHERE a.name = 'Artist 12' ORDER BY b.name`);
      expect(similar.map((r) => r.name)).toEqual(['Artist 13', 'Artist 16']);
    });

    // The hub's features for that list: every listed artist Last.fm knows, edges only within the list.
    const out = join(t.dir, 'features.tsv');
    const s = await writeHubFeatures({ store: { dataDir: t.dir }, out, vocabulary: list });
    expect(s).toMatchObject({ items: 3, withTags: 3, withSimilar: 0, vocabulary: { artists: 4, withoutFeatures: 1 } });
    expect((await readFile(out, 'utf8')).split('\n')).toContain('artist:artist 12\ttag:scene 12\t2');
  });

  it('stops at a refused key with nothing marked done, and a later run with a good key does it all', async () => {
    const list = join(t.dir, 'artists.txt');
    await writeFile(list, 'Artist 1\nArtist 2\n');
    await expect(withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env: { ...env, LASTFM_API_KEY: 'wrong' }, client: client() }))).rejects.toMatchObject({ code: expect.stringMatching(/unauthorized|forbidden/) });
    const s = await withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env, client: client() }));
    expect(s).toMatchObject({ listed: 2, known: 0, enriched: 2, failed: 0 });
  });

  it('says what is missing: an API key, or an artist in the file', async () => {
    const list = join(t.dir, 'artists.txt');
    await writeFile(list, 'Artist 1\n');
    await expect(withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env: {} }))).rejects.toMatchObject({ code: 'missing_api_key' });
    await writeFile(list, 'key\tname\nmbid:0000\tA recording\n');
    await expect(withStore({ dataDir: t.dir }, (store) => enrichArtists({ store, file: list, env }))).rejects.toMatchObject({ code: 'vocabulary_empty', message: expect.stringContaining('lists no artist') });
  });
});
