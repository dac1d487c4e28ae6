import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoExport, makeZip, withBadCrc } from '@mixtape/fixtures';
import { fingerprint } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { memoryStore, musicTotals, tempDir } from '../test/helpers.js';
import { importSpotifyExport } from './spotify-export.js';

const ext = (ts: string, uri: string | null, ms: number, extra: Record<string, unknown> = {}) => ({
  ts, platform: 'android', ms_played: ms, conn_country: 'NL', ip_addr: '192.0.2.1',
  master_metadata_track_name: uri ? `Song ${uri.slice(-1)}` : null, master_metadata_album_artist_name: uri ? 'Band' : null,
  master_metadata_album_album_name: uri ? 'Album' : null, spotify_track_uri: uri, episode_name: null, episode_show_name: null,
  spotify_episode_uri: null, audiobook_title: null, audiobook_uri: null, audiobook_chapter_uri: null, audiobook_chapter_title: null,
  reason_start: 'trackdone', reason_end: 'trackdone', shuffle: false, skipped: false, offline: false, offline_timestamp: 1700000000,
  incognito_mode: false, ...extra,
});

describe('import spotify-export', () => {
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

  it('imports the demo zip exactly once, merging the two histories', async () => {
    const demo = demoExport();
    const zip = join(dir, 'my_spotify_data.zip');
    await writeFile(zip, demo.zip);
    const first = await importSpotifyExport(store, zip);
    // 4,002 extended rows (4,000 tracks + 2 episodes); the account-data copies of the last three months are the same listens.
    expect(first.inserted).toBe(demo.plays);
    expect(first.rowsRead).toBe(first.inserted + first.duplicates + first.folded);
    expect(first.playlists).toEqual({ playlists: 3, items: expect.any(Number) });
    expect(await store.scalar("SELECT count(*) FROM plays WHERE kind = 'episode'")).toBe(2);
    expect(await store.scalar("SELECT count(*) FROM plays WHERE source = 'spotify-account'")).toBe(0);
    const before = await fingerprint(store);
    const second = await importSpotifyExport(store, zip);
    expect(second.inserted).toBe(0);
    expect(second.duplicates + second.folded).toBe(second.rowsRead);
    const after = await fingerprint(store);
    for (const t of ['plays', 'tracks', 'track_keys', 'library', 'playlists', 'playlist_items']) expect(after[t]).toBe(before[t]);
  });

  it('upgrades minute-precision plays when the extended history arrives later', async () => {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'a', 'StreamingHistory_music_0.json'), JSON.stringify([
      { endTime: '2024-01-01 10:03', artistName: 'Band', trackName: 'Song 1', msPlayed: 180000 },
      { endTime: '2024-01-01 10:03', artistName: 'Band', trackName: 'Song 1', msPlayed: 2000 },
      { endTime: '2024-01-01 11:00', artistName: 'Other', trackName: 'Only Here', msPlayed: 5000 },
    ]));
    await writeFile(join(dir, 'b', 'Streaming_History_Audio_2024.json'), JSON.stringify([
      ext('2024-01-01T10:03:41Z', 'spotify:track:1', 180000),
      ext('2024-01-01T10:03:59Z', 'spotify:track:1', 2000, { skipped: true, reason_end: 'fwdbtn' }),
      ext('2024-01-01T12:00:00Z', null, 1000),
    ]));
    const a = await importSpotifyExport(store, join(dir, 'a'));
    // Two rows of one track ending in the same minute are one play of 182,000 ms.
    expect(a).toMatchObject({ inserted: 2, folded: 1 });
    const b = await importSpotifyExport(store, join(dir, 'b'));
    // The two extended plays of that minute add up to it: they replace it.
    expect(b).toMatchObject({ inserted: 2, upgraded: 1, rejected: { no_track_metadata: 1 } });
    expect(await musicTotals(store)).toEqual({ plays: 3, distinct: 3, ms: 187000 });
    const rows = await store.all('SELECT played_at, source, skipped FROM plays ORDER BY played_at, ms_played');
    expect(rows).toEqual([
      { played_at: '2024-01-01T10:03:41.000Z', source: 'spotify-extended', skipped: false },
      { played_at: '2024-01-01T10:03:59.000Z', source: 'spotify-extended', skipped: true },
      { played_at: '2024-01-01T11:00:00.000Z', source: 'spotify-account', skipped: null },
    ]);
    // The account-data track (name only) took the URI: one track, not two.
    expect(await store.scalar("SELECT count(*) FROM tracks WHERE title = 'Song 1'")).toBe(1);
  });

  it('keeps two recordings with the same name apart', async () => {
    await writeFile(join(dir, 'Streaming_History_Audio_2024.json'), JSON.stringify([
      ext('2024-01-01T10:00:00Z', 'spotify:track:1', 1000),
      { ...ext('2024-01-01T10:10:00Z', 'spotify:track:X', 1000), master_metadata_track_name: 'Song 1' },
    ]));
    await importSpotifyExport(store, join(dir, 'Streaming_History_Audio_2024.json'));
    expect(await store.scalar("SELECT count(DISTINCT track_id) FROM plays")).toBe(2);
  });

  it.each([
    ['malformed JSON', 'Streaming_History_Audio_2024.json', '[{"ts": "2024-01-01T10:00:00Z", "ms_played": 1', 'malformed_json', /Streaming_History_Audio_2024\.json.*byte/],
    ['an empty file', 'StreamingHistory_music_0.json', '', 'empty_file', /StreamingHistory_music_0\.json is empty/],
    ['a broken library', 'YourLibrary.json', '{"tracks": [', 'malformed_json', /YourLibrary\.json: malformed JSON/],
    ['rows without the keys of the history', 'StreamingHistory_music_1.json', '[{"foo":1},{"foo":2}]', 'wrong_format',
      /bad\.zip:Spotify Account Data\/StreamingHistory_music_1\.json is not a Spotify account-data streaming history file: no row has the keys endTime, msPlayed/],
    ['account-data rows named as extended history', 'Streaming_History_Audio_2024.json', '[{"endTime":"2024-01-01 10:00","artistName":"A","trackName":"B","msPlayed":1000}]', 'wrong_format',
      /Streaming_History_Audio_2024\.json is not a Spotify extended streaming history file: no row has the keys ts, ms_played/],
  ])('rejects %s and leaves the database as it was', async (_what, name, body, code, message) => {
    const zipGood = join(dir, 'good.zip');
    await writeFile(zipGood, demoExport().zip);
    await importSpotifyExport(store, zipGood);
    const before = await fingerprint(store);
    const zip = join(dir, 'bad.zip');
    await writeFile(zip, makeZip([
      { name: 'Spotify Extended Streaming History/Streaming_History_Audio_2023.json', data: Buffer.from(JSON.stringify([ext('2023-05-05T10:00:00Z', 'spotify:track:9', 5000)])) },
      { name: `Spotify Account Data/${name}`, data: Buffer.from(body) },
    ]));
    const err = await importSpotifyExport(store, zip).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect(String((err as Error).message)).toMatch(message);
    expect(await fingerprint(store)).toEqual(before);
  });

  it('rejects impossible plays in every history layout, counts why, and adds no track for them', async () => {
    const acc = (endTime: string, trackName: string, msPlayed: number) => ({ endTime, artistName: trackName === 'Acc Good' ? 'Band' : 'Ghost', trackName, msPlayed });
    await writeFile(join(dir, 'StreamingHistory_music_0.json'), JSON.stringify([
      acc('2099-01-01 10:00', 'Acc Future', 1000), acc('1969-12-31 23:59', 'Acc Past', 1000), acc('2024-01-01 10:00', 'Acc Negative', -5000),
      acc('2024-01-01 11:00', 'Acc Huge', 1e14), acc('2024-01-01 12:00', 'Acc Good', 1000),
    ]));
    await writeFile(join(dir, 'Streaming_History_Audio_2024.json'), JSON.stringify([
      ext('2099-01-01T10:00:00Z', 'spotify:track:F', 1000), ext('1969-12-31T23:59:59Z', 'spotify:track:P', 1000),
      ext('2024-01-01T10:00:00Z', 'spotify:track:N', -5000), ext('2024-01-01T11:00:00Z', 'spotify:track:H', 1e14),
      ext('2024-01-01T13:00:00Z', 'spotify:track:G', 1000),
    ]));
    await writeFile(join(dir, 'endsong_0.json'), JSON.stringify([
      ext('2099-06-01T10:00:00Z', 'spotify:track:Y', 1000, { username: 'x' }), ext('2023-01-01T10:00:00Z', 'spotify:track:Z', 1000, { username: 'x' }),
    ]));
    const s = await importSpotifyExport(store, dir);
    expect(s).toMatchObject({ rowsRead: 12, inserted: 3, newTracks: 3 });
    expect(s.rejected).toEqual({ played_in_future: 3, played_before_2000: 2, negative_ms_played: 2, ms_played_over_24h: 2 });
    expect(await store.all('SELECT title FROM tracks ORDER BY title')).toEqual([{ title: 'Acc Good' }, { title: 'Song G' }, { title: 'Song Z' }]);
    expect(await store.all('SELECT name FROM artists')).toEqual([{ name: 'Band' }]);
  });

  it('imports a history file where only some rows lack the keys, counting those', async () => {
    await writeFile(join(dir, 'StreamingHistory_music_0.json'), JSON.stringify([{ foo: 1 }, { endTime: '2024-01-01 10:00', artistName: 'A', trackName: 'B', msPlayed: 1000 }]));
    expect(await importSpotifyExport(store, dir)).toMatchObject({ inserted: 1, rejected: { bad_timestamp: 1 } });
  });

  it('refuses a zip entry with a bad CRC-32, naming it, and leaves the database as it was', async () => {
    const zipGood = join(dir, 'good.zip');
    await writeFile(zipGood, demoExport().zip);
    await importSpotifyExport(store, zipGood);
    const before = await fingerprint(store);
    const zip = join(dir, 'bad.zip');
    await writeFile(zip, withBadCrc(makeZip([
      { name: 'Spotify Extended Streaming History/Streaming_History_Audio_2023.json', data: Buffer.from(JSON.stringify([ext('2023-05-05T10:00:00Z', 'spotify:track:9', 5000)])) },
    ])));
    const err = await importSpotifyExport(store, zip).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_crc', message: expect.stringMatching(/^bad\.zip: Spotify Extended Streaming History\/Streaming_History_Audio_2023\.json is damaged/) });
    expect(await fingerprint(store)).toEqual(before);
  });

  it('imports valid JSON however much whitespace pads it, from a folder or a zip', async () => {
    // One run past DuckDB's 32 MB read buffer: its reader called such files malformed.
    const pad = Buffer.alloc(36_000_000, ' \r\n\t');
    const extended = (ts: string) => Buffer.concat([Buffer.from('\uFEFF'), pad, Buffer.from(`[${JSON.stringify(ext(ts, 'spotify:track:1', 1000))}]\n`)]);
    const account = (end: string) => Buffer.concat([Buffer.from(`[${JSON.stringify({ endTime: end, artistName: 'Band', trackName: 'Song 2', msPlayed: 2000 })}`), pad, Buffer.from(']')]);
    await mkdir(join(dir, 'folder'));
    await writeFile(join(dir, 'folder', 'Streaming_History_Audio_2024.json'), extended('2024-01-01T10:00:00Z'));
    await writeFile(join(dir, 'folder', 'StreamingHistory_music_0.json'), account('2024-02-01 10:00'));
    expect(await importSpotifyExport(store, join(dir, 'folder'))).toMatchObject({ rowsRead: 2, inserted: 2 });
    await writeFile(join(dir, 'padded.zip'), makeZip([
      { name: 'Streaming_History_Audio_2024.json', data: extended('2024-01-01T11:00:00Z') },
      { name: 'StreamingHistory_music_0.json', data: account('2024-02-01 11:00') },
    ]));
    expect(await importSpotifyExport(store, join(dir, 'padded.zip'))).toMatchObject({ rowsRead: 2, inserted: 2 });
  });

  it('refuses a folder with nothing importable', async () => {
    await writeFile(join(dir, 'Userdata.json'), '{}');
    await expect(importSpotifyExport(store, dir)).rejects.toMatchObject({ code: 'nothing_to_import' });
  });

  it('refuses a truncated zip without writing anything', async () => {
    const zip = demoExport().zip;
    const cut = join(dir, 'cut.zip');
    await writeFile(cut, zip.subarray(0, zip.length - 100));
    const before = await fingerprint(store);
    await expect(importSpotifyExport(store, cut)).rejects.toMatchObject({ code: 'bad_zip' });
    expect(await fingerprint(store)).toEqual(before);
  });
});
