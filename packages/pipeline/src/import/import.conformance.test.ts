import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip } from '@mixtape/fixtures';
import { fingerprint } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { memoryStore, musicTotals, tempDir } from '../test/helpers.js';
import { importScrobbles } from './scrobbles.js';
import { importSpotifyExport } from './spotify-export.js';

const SHARED = process.env.MIXTAPE_SHARED_DATA ?? resolve(fileURLToPath(import.meta.url), '../../../../../../shared/data');
const P1 = join(SHARED, 'spotify-export/person-1');
const P2 = join(SHARED, 'spotify-export/person-2');
const LB = join(SHARED, 'spotify-export/importer-fixtures-listenbrainz');
const SCR = join(SHARED, 'lastfm-scrobbles/listenbrainz-server-testdata');

/** Expected figures computed independently from the raw files: plays distinct by timestamp and track, and the total ms_played. */
async function expectedFromFiles(files: string[], extended: boolean) {
  const seen = new Set<string>();
  let ms = 0;
  for (const f of files) {
    for (const r of JSON.parse(await readFile(f, 'utf8')) as Array<Record<string, unknown>>) {
      const track = extended ? r.spotify_track_uri : r.artistName !== undefined ? `${String(r.artistName)}\t${String(r.trackName)}` : undefined;
      if (!track) continue;
      seen.add(`${String(extended ? r.ts : r.endTime)}\t${String(track)}`);
      ms += Number(extended ? r.ms_played : r.msPlayed);
    }
  }
  return { plays: seen.size, ms };
}

// A missing ../shared/data fails this file loudly: CI always has it, and a skip would pass unseen.
if (!existsSync(SHARED)) throw new Error(`${SHARED} is missing: the import conformance tests need ../shared/data beside the repository (or MIXTAPE_SHARED_DATA)`);

describe('conformance: real exports in ../shared/data', () => {
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

  it('person-1 (account data, both namings): every music play once, exact ms_played, nothing on re-import', async () => {
    const files = [join(P1, 'MyData/StreamingHistory0.json'), join(P1, 'MyData/StreamingHistory1.json'),
      join(P1, 'Spotify Account Data/StreamingHistory_music_0.json'), join(P1, 'Spotify Account Data/StreamingHistory_music_1.json')];
    const expected = await expectedFromFiles(files, false);
    // 32,568 rows; 241 repeat an earlier row's minute and track (quick restarts).
    expect(expected.plays).toBe(32327);
    const s = await importSpotifyExport(store, P1);
    const t = await musicTotals(store);
    expect(t.plays).toBe(expected.plays);
    expect(t.distinct).toBe(expected.plays);
    expect(t.ms).toBe(expected.ms);
    expect(t.ms).toBe(5414669221);
    // 912 podcast rows, 889 distinct by minute and episode.
    expect(await store.scalar("SELECT count(*) FROM plays WHERE kind = 'episode'")).toBe(889);
    expect(s.library.read).toBe(667 + 10 + 4 + 35 + 93);
    expect(s.playlists).toEqual({ playlists: 37, items: 3288 });
    expect(await store.scalar('SELECT count(*) FROM playlist_items')).toBe(3288);
    const again = await importSpotifyExport(store, P1);
    expect(again.inserted).toBe(0);
  });

  it('person-2 (extended history, audio and video files): exact counts and sums, zip read directly', async () => {
    const folder = join(P2, 'Spotify Extended Streaming History');
    const names = (await readdir(folder)).filter((n) => n.endsWith('.json'));
    const expected = await expectedFromFiles(names.map((n) => join(folder, n)), true);
    const zip = join(dir, 'my_spotify_data.zip');
    await writeFile(zip, makeZip(await Promise.all(names.map(async (n) => ({ name: `Spotify Extended Streaming History/${n}`, data: await readFile(join(folder, n)) })))));
    await importSpotifyExport(store, zip);
    const t = await musicTotals(store);
    expect(t).toEqual({ plays: 8578, distinct: 8578, ms: expected.ms });
    expect(expected.plays).toBe(8578);
    expect(await store.scalar("SELECT count(*) FROM plays WHERE kind = 'episode'")).toBe(10 + 1);
    expect((await importSpotifyExport(store, folder)).inserted).toBe(0);
    // A truncated copy of the same zip changes nothing.
    const before = await fingerprint(store);
    const full = await readFile(zip);
    await writeFile(join(dir, 'cut.zip'), full.subarray(0, full.length >> 1));
    await expect(importSpotifyExport(store, join(dir, 'cut.zip'))).rejects.toMatchObject({ code: 'bad_zip' });
    expect(await fingerprint(store)).toEqual(before);
  });

  it('ListenBrainz fixtures: current and 2021 endsong layouts, skips kept', async () => {
    // Renamed files: the kind is recognised from their keys.
    for (const f of ['spotify_streaming_2023.json', 'spotify_streaming_endsong_0.json', 'spotify_skipped_tracks.json']) {
      expect((await importSpotifyExport(store, join(LB, f))).inserted).toBeGreaterThan(0);
    }
    expect(await store.scalar("SELECT count(*) FROM plays WHERE source = 'spotify-endsong'")).toBeGreaterThan(0);
    expect(await store.scalar('SELECT count(*) FROM plays WHERE skipped')).toBeGreaterThan(0);
    expect(await store.scalar('SELECT count(*) FROM plays WHERE offline_at < TIMESTAMP \'2000-01-01\'')).toBe(0);
  });

  it('scrobble files: Libre.fm variants, Rockbox log; the malformed one is refused', async () => {
    const libre = await importScrobbles(store, join(SCR, 'librefm.csv'));
    expect(libre).toMatchObject({ format: 'librefm-csv', inserted: 3 });
    expect((await importScrobbles(store, join(SCR, 'librefm_with_comments.csv'))).inserted).toBe(1);
    expect((await importScrobbles(store, join(SCR, 'librefm_no_album_column.csv'))).inserted).toBe(2);
    expect((await importScrobbles(store, join(SCR, 'scrobbler.log'))).inserted).toBe(4);
    const before = await fingerprint(store);
    await expect(importScrobbles(store, join(SCR, 'librefm_no_header.csv'))).rejects.toMatchObject({ code: 'unknown_csv_layout' });
    expect(await fingerprint(store)).toEqual(before);
    expect((await importScrobbles(store, join(SCR, 'librefm.csv'))).inserted).toBe(0);
  });
});
