import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip } from '@mixtape/fixtures';
import type { Store } from '../store/store.js';
import { memoryStore, tempDir } from '../test/helpers.js';
import { importListenBrainzZip } from './listenbrainz-zip.js';
import { importScrobbles } from './scrobbles.js';
import { importSpotifyExport } from './spotify-export.js';

// Two listens on Spotify (ts = when each ended) and the scrobbles Spotify sent for them (uts = when each started).
const spotify = [
  { ts: '2024-03-01T10:03:30Z', uri: 'spotify:track:aaa', title: 'Alison', artist: 'Slowdive', ms: 210000 },
  { ts: '2024-03-01T10:08:00Z', uri: 'spotify:track:bbb', title: 'Vapour Trail', artist: 'Ride', ms: 240000 },
];
const row = (p: (typeof spotify)[number]) => ({
  ts: p.ts, platform: 'linux', ms_played: p.ms, conn_country: 'NL', ip_addr: '192.0.2.1', master_metadata_track_name: p.title,
  master_metadata_album_artist_name: p.artist, master_metadata_album_album_name: 'X', spotify_track_uri: p.uri, episode_name: null,
  episode_show_name: null, spotify_episode_uri: null, audiobook_title: null, audiobook_uri: null, audiobook_chapter_uri: null,
  audiobook_chapter_title: null, reason_start: 'trackdone', reason_end: 'trackdone', shuffle: false, skipped: false, offline: false,
  offline_timestamp: null, incognito_mode: false,
});
const csv = ['uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid']
  .concat(spotify.map((p) => `"${(Date.parse(p.ts) - p.ms) / 1000 + 2}","","${p.artist}","","X","","${p.title}",""`))
  .concat(['"1709290000","","Lush","","Gala","","Sweetness and Light",""'])
  .join('\n');

describe('one listen, scrobbled and in the Spotify history, is one play', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    store = await memoryStore();
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'Streaming_History_Audio_2024.json'), JSON.stringify(spotify.map(row)));
    await writeFile(join(dir, 'scrobbles.csv'), csv);
  });
  afterEach(async () => {
    store.close();
    await cleanup();
  });

  it('Spotify first: the scrobbles of those listens add nothing', async () => {
    await importSpotifyExport(store, join(dir, 'Streaming_History_Audio_2024.json'));
    const s = await importScrobbles(store, join(dir, 'scrobbles.csv'));
    expect(s).toMatchObject({ inserted: 1, duplicates: 2 });
    expect(await store.scalar('SELECT count(*) FROM plays')).toBe(3);
  });

  it('scrobbles first: the Spotify rows replace them', async () => {
    await importScrobbles(store, join(dir, 'scrobbles.csv'));
    const s = await importSpotifyExport(store, join(dir, 'Streaming_History_Audio_2024.json'));
    expect(s).toMatchObject({ inserted: 2, upgraded: 2 });
    expect(await store.all('SELECT source, count(*) AS n FROM plays GROUP BY source ORDER BY source')).toEqual([
      { source: 'lastfm', n: 1 },
      { source: 'spotify-extended', n: 2 },
    ]);
  });
});

describe('one listen from ListenBrainz, Last.fm and a Spotify export is one play', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => Promise<void>;
  // Alison: Spotify ended it at 10:03:30 after 210 s, so it started at 10:00:00 (1709287200).
  const started = (Date.parse(spotify[0]!.ts) - spotify[0]!.ms) / 1000;
  const listen = (at: number, title: string, artist: string, info: Record<string, unknown> = {}) =>
    JSON.stringify({ listened_at: at, recording_msid: null, track_metadata: { track_name: title, artist_name: artist, additional_info: info } });
  // The player stamped ListenBrainz a second after Last.fm; Lush was heard on ListenBrainz only.
  const lbZip = () => makeZip([{ name: 'listens/2024/3.jsonl', data: Buffer.from([listen(started + 3, 'Alison', 'Slowdive'), listen(1709280000.5, 'Sweetness and Light', 'Lush')].join('\n')) }]);
  const lastfmCsv = ['uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid', `"${started + 2}","","Slowdive","","X","","Alison",""`].join('\n');
  const counts = () => store.all('SELECT source, count(*) AS n FROM plays GROUP BY source ORDER BY source');

  beforeEach(async () => {
    store = await memoryStore();
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'lb.zip'), lbZip());
    await writeFile(join(dir, 'scrobbles.csv'), lastfmCsv);
    await writeFile(join(dir, 'Streaming_History_Audio_2024.json'), JSON.stringify([row(spotify[0]!)]));
  });
  afterEach(async () => {
    store.close();
    await cleanup();
  });

  it('Last.fm first: the ListenBrainz copy adds nothing', async () => {
    await importScrobbles(store, join(dir, 'scrobbles.csv'));
    expect(await importListenBrainzZip(store, join(dir, 'lb.zip'))).toMatchObject({ inserted: 1, alreadyElsewhere: 1 });
    expect(await counts()).toEqual([{ source: 'lastfm', n: 1 }, { source: 'listenbrainz', n: 1 }]);
  });

  it('ListenBrainz first: the Last.fm scrobble adds nothing', async () => {
    await importListenBrainzZip(store, join(dir, 'lb.zip'));
    expect(await importScrobbles(store, join(dir, 'scrobbles.csv'))).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(await counts()).toEqual([{ source: 'listenbrainz', n: 2 }]);
  });

  it('all three, in any order: Spotify keeps the listen, the scrobbles add nothing', async () => {
    await importListenBrainzZip(store, join(dir, 'lb.zip'));
    await importScrobbles(store, join(dir, 'scrobbles.csv'));
    expect(await importSpotifyExport(store, join(dir, 'Streaming_History_Audio_2024.json'))).toMatchObject({ inserted: 1, upgraded: 1 });
    expect(await importListenBrainzZip(store, join(dir, 'lb.zip'))).toMatchObject({ inserted: 0, alreadyElsewhere: 1, duplicates: 1 });
    expect(await counts()).toEqual([{ source: 'listenbrainz', n: 1 }, { source: 'spotify-extended', n: 1 }]);
  });

  it("ListenBrainz's Spotify reader stamps the end of the listen: still the same play", async () => {
    await importSpotifyExport(store, join(dir, 'Streaming_History_Audio_2024.json'));
    const end = Date.parse(spotify[0]!.ts) / 1000;
    await writeFile(join(dir, 'sp.zip'), makeZip([{ name: 'listens/2024/3.jsonl', data: Buffer.from(listen(end, 'Alison', 'Slowdive', { spotify_id: 'https://open.spotify.com/track/aaaaaaaaaaaaaaaaaaaaaa', music_service: 'spotify.com' })) }]));
    expect(await importListenBrainzZip(store, join(dir, 'sp.zip'))).toMatchObject({ inserted: 0, alreadyElsewhere: 1 });
    expect(await counts()).toEqual([{ source: 'spotify-extended', n: 1 }]);
  });
});
