import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip, sampleText } from '@mixtape/fixtures';
import { fingerprint } from '../store/fingerprint.js';
import type { Store } from '../store/store.js';
import { memoryStore, tempDir } from '../test/helpers.js';
import { importListenBrainzZip } from './listenbrainz-zip.js';

const ALISON = '8ee5a6e5-9a8f-4d7e-8d38-3b1c0f0f6a01';
const SLOWDIVE = '5e6c3f6b-6f43-4d79-9c8f-1b1d8a2a7e02';
const VAPOUR_MSID = 'b7d3c3c1-2a8f-4a8e-9b0a-4f1c2d3e4f03';
const UNKNOWN = '0f0f0f0f-0000-4000-8000-000000000004';

const lbListen = (at: number, title: string, artist: string, extra: Record<string, unknown> = {}, msid?: string) =>
  JSON.stringify({ inserted_at: at + 30.25, listened_at: at, ...(msid ? { recording_msid: msid } : {}), track_metadata: { track_name: title, artist_name: artist, release_name: 'LP', additional_info: {}, ...extra } });

/** An export: a fractional listened_at, a month that is not zero-padded, ListenBrainz's own sample lines, loves and hates. */
function exportZip(o: { march?: string } = {}): Buffer {
  const march = o.march ?? [
    lbListen(1709290000.75, 'Alison', 'Slowdive', { mbid_mapping: { recording_mbid: ALISON, artist_mbids: [SLOWDIVE], recording_name: 'Alison' } }),
    lbListen(1709290300, 'Vapour Trail', 'Ride', {}, VAPOUR_MSID),
  ].join('\n');
  const feedback = [
    { created: 1709300000, recording_mbid: ALISON, recording_msid: null, score: 1, track_metadata: null, user_id: 'listener' },
    { created: 1709300100, recording_mbid: null, recording_msid: VAPOUR_MSID, score: -1, track_metadata: null, user_id: 'listener' },
    { created: 1709300200, recording_mbid: UNKNOWN, recording_msid: null, score: 1, track_metadata: null, user_id: 'listener' },
    { created: 1709300300, recording_mbid: ALISON, recording_msid: null, score: 0, track_metadata: null, user_id: 'listener' },
  ].map((f) => JSON.stringify(f)).join('\n');
  return makeZip([
    { name: 'user.json', data: Buffer.from('{"user_id": 1, "username": "listener"}') },
    { name: 'listens/2024/12.jsonl', data: Buffer.from(lbListen(1733000000, 'Sweetness and Light', 'Lush') + '\n') },
    { name: 'listens/2024/3.jsonl', data: Buffer.from(march + '\n') },
    { name: 'listens/2025/6.jsonl', data: Buffer.from(sampleText('listenbrainz/listenbrainz-server/listenbrainz_listens.jsonl')) },
    { name: 'feedback.jsonl', data: Buffer.from(feedback + '\n') },
  ]);
}

describe('mixtape import listenbrainz --zip: the user-data export', () => {
  let store: Store;
  let dir: string;
  let cleanup: () => Promise<void>;
  const write = async (name: string, data: Buffer) => {
    await writeFile(join(dir, name), data);
    return join(dir, name);
  };
  beforeEach(async () => {
    store = await memoryStore();
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    store.close();
    await cleanup();
  });

  it('imports every month file, fractional times to the second, MBIDs, ISRCs and Spotify ids, loves and hates', async () => {
    const s = await importListenBrainzZip(store, await write('lb.zip', exportZip()));
    expect(s).toMatchObject({ listens: 5, inserted: 5, duplicates: 0, feedback: { likes: 1, bans: 1, duplicates: 0, unresolved: 1 } });
    expect(s.files.map((f) => f.split(':')[1])).toEqual(['listens/2024/3.jsonl', 'listens/2024/12.jsonl', 'listens/2025/6.jsonl']);
    expect(await store.all(`SELECT strftime(p.played_at, '%Y-%m-%d %H:%M:%S') AS at, t.title, t.mbid, t.isrc, t.spotify_uri, p.source FROM plays p JOIN tracks t USING (track_id) ORDER BY p.played_at`)).toEqual([
      { at: '2024-03-01 10:46:40', title: 'Alison', mbid: ALISON, isrc: null, spotify_uri: null, source: 'listenbrainz' },
      { at: '2024-03-01 10:51:40', title: 'Vapour Trail', mbid: null, isrc: null, spotify_uri: null, source: 'listenbrainz' },
      { at: '2024-11-30 20:53:20', title: 'Sweetness and Light', mbid: null, isrc: null, spotify_uri: null, source: 'listenbrainz' },
      { at: '2025-06-03 15:22:47', title: 'Golden Brown', mbid: 'c7d0bf6e-b2aa-4ffa-bded-2448415b39b0', isrc: 'GBAYE8100053', spotify_uri: 'spotify:track:2AX5E86cn9n2dgioZEjirI', source: 'listenbrainz' },
      { at: '2025-06-03 16:25:54', title: "California Dreamin'", mbid: '20ddea3a-1ad2-4036-9ca7-5f3383ad31c1', isrc: 'USMC16532697', spotify_uri: 'spotify:track:4s6LhHAV5SEsOV0lC2tjvJ', source: 'listenbrainz' },
    ]);
    expect(await store.all(`SELECT f.kind, t.title, strftime(f.feedback_at, '%Y-%m-%d %H:%M:%S') AS at FROM feedback f JOIN tracks t USING (track_id) ORDER BY f.feedback_at`)).toEqual([
      { kind: 'like', title: 'Alison', at: '2024-03-01 13:33:20' },
      { kind: 'ban', title: 'Vapour Trail', at: '2024-03-01 13:35:00' },
    ]);
    expect(await store.scalar(`SELECT mbid FROM artists WHERE name = 'Slowdive'`)).toBe(SLOWDIVE);
  });

  it('importing the same zip again adds no play and no feedback', async () => {
    const path = await write('lb.zip', exportZip());
    await importListenBrainzZip(store, path);
    const again = await importListenBrainzZip(store, path);
    expect(again).toMatchObject({ listens: 5, inserted: 0, duplicates: 5, feedback: { likes: 0, bans: 0, duplicates: 2, unresolved: 1 } });
    expect(await store.scalar('SELECT count(*) FROM plays')).toBe(5);
    expect(await store.scalar('SELECT count(*) FROM feedback')).toBe(2);
  });

  it('a truncated zip is a clear error and the plays already stored stay as they were', async () => {
    await importListenBrainzZip(store, await write('first.zip', exportZip()));
    const before = await fingerprint(store);
    const whole = exportZip({ march: lbListen(1709999999, 'New', 'Band') });
    const err = await importListenBrainzZip(store, await write('cut.zip', whole.subarray(0, whole.length - 60))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_zip', message: expect.stringMatching(/^cut\.zip is not a complete zip file/) });
    expect(await fingerprint(store)).toEqual(before);
    expect(await store.scalar('SELECT count(*) FROM plays')).toBe(5);
  });

  it('a malformed line names its file and line, and nothing of the import is kept', async () => {
    await importListenBrainzZip(store, await write('first.zip', exportZip()));
    const before = await fingerprint(store);
    const bad = exportZip({ march: [lbListen(1709999000, 'New', 'Band'), '{"listened_at": 1709999', lbListen(1709999600, 'Newer', 'Band')].join('\n') });
    await expect(importListenBrainzZip(store, await write('bad.zip', bad))).rejects.toMatchObject({ code: 'malformed_json', message: expect.stringMatching(/^bad\.zip:listens\/2024\/3\.jsonl line 2 is not valid JSON/) });
    const noTime = exportZip({ march: [lbListen(1709999000, 'New', 'Band'), '{"track_metadata": {"track_name": "X", "artist_name": "Y"}}'].join('\n') });
    await expect(importListenBrainzZip(store, await write('notime.zip', noTime))).rejects.toMatchObject({ code: 'malformed_json', message: 'notime.zip:listens/2024/3.jsonl line 2: no listened_at' });
    expect(await fingerprint(store)).toEqual(before);
  });

  it('a zip that is not a ListenBrainz export is refused', async () => {
    const other = makeZip([{ name: 'Spotify Account Data/StreamingHistory_music_0.json', data: Buffer.from('[]') }]);
    await expect(importListenBrainzZip(store, await write('spotify.zip', other))).rejects.toMatchObject({ code: 'unknown_export_file' });
  });
});
