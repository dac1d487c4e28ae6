import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { memoryStore, tempDir } from '../test/helpers.js';
import { importScrobbles } from './scrobbles.js';

const HEADER = 'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid';

describe('import scrobbles', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    store = await memoryStore();
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    store.close();
    await cleanup();
  });

  it('stores the possible listens, counts the impossible ones by reason and adds no track for them', async () => {
    const file = join(dir, 'lastfm.csv');
    await writeFile(file, [
      HEADER,
      '4102444800,"01 Jan 2100, 00:00",Ghost,,,,Future,',
      '-100,"31 Dec 1969, 23:58",Ghost,,,,Past,',
      '1720688820,"11 Jul 2024, 09:07",Slowdive,,Souvlaki,,Alison,',
    ].join('\n'));
    const s = await importScrobbles(store, file);
    expect(s).toMatchObject({ rowsRead: 3, inserted: 1, newTracks: 1, rejected: { played_in_future: 1, played_before_2000: 1 } });
    expect(s.rejectedLines).toEqual([{ line: 2, reason: 'played_in_future' }, { line: 3, reason: 'played_before_2000' }]);
    expect(await store.all('SELECT title FROM tracks')).toEqual([{ title: 'Alison' }]);
    expect(await store.all('SELECT name FROM artists')).toEqual([{ name: 'Slowdive' }]);
  });

  it('refuses a file forced into a layout it does not have, writing nothing', async () => {
    const good = join(dir, 'good.csv');
    await writeFile(good, `${HEADER}\n1720688820,"11 Jul 2024, 09:07",Slowdive,,Souvlaki,,Alison,\n`);
    await importScrobbles(store, good);
    const before = await fingerprint(store);
    const libre = join(dir, 'librefm.csv');
    await writeFile(libre, 'Artist,Track,Album,Time\nLush,Sweetness and Light,Gala,1690347960\nLush,De-Luxe,Gala,1690348960\n');
    for (const format of ['lastfm-csv', 'lastfm-to-csv', 'scrobbler-log'] as const) {
      await expect(importScrobbles(store, libre, { format })).rejects.toMatchObject({ code: 'wrong_format', message: expect.stringContaining(`librefm.csv is not a ${format} file`) });
    }
    expect(await fingerprint(store)).toEqual(before);
    expect((await importScrobbles(store, libre)).inserted).toBe(2);
  });
});
