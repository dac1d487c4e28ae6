import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixtape } from '../../test/run-cli.js';
import { flacFile, mp3File } from '@mixtape/fixtures';
import { seedSyntheticPlaylist, Store, syntheticTrack } from '@mixtape/pipeline';
import { FakeSubsonic } from '../../../../../fixtures/src/servers/subsonic.js';

/** Tracks t0..t6 ("Artist i" - "Song i", 150 + i seconds); only t0 keeps its MBID and ISRC. */
describe('mixtape playlist unmatched (built CLI)', () => {
  let dir: string;
  let music: string;
  let env: Record<string, string>;
  const t = syntheticTrack;
  const subsonic = new FakeSubsonic({
    password: 'pw',
    songs: [
      { id: 'so1', artist: 'Artist 1', title: 'Song 1 (Remastered 2011)', album: 'A', duration: 151 },
      { id: 'so2', artist: 'Artist 2', title: 'Song 2', album: 'A', duration: 190 },
      { id: 'so3a', artist: 'Artist 3', title: 'Song 3', album: 'A', duration: 153 },
      { id: 'so3b', artist: 'Artist 3', title: 'Song 3', album: 'B', duration: 200 },
      { id: 'so5', artist: 'Artist 5', title: 'Sonng 5', album: 'A', duration: 155 },
    ],
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-unmatched-'));
    music = join(dir, 'Music');
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config'), MIXTAPE_CACHE_DIR: join(dir, 'cache'), MIXTAPE_SUBSONIC_RATE: '1000/1s' };
    const store = await Store.open({ dataDir: env.MIXTAPE_DATA_DIR });
    await seedSyntheticPlaylist(store, { playlistId: 'mixtape:daily', name: 'Daily', n: 7, without: new Set([1, 2, 3, 4, 5, 6]) });
    store.close();
    await mkdir(join(music, 'Loose'), { recursive: true });
    await writeFile(join(music, 'a.flac'), flacFile({ artist: 'Somebody', title: 'Other', mbid: t(0).mbid }, 150));
    await writeFile(join(music, 'b.flac'), flacFile({ artist: 'Artist 1', title: 'Song 1 - Remastered 2011' }, 151));
    await writeFile(join(music, 'c.flac'), flacFile({ artist: 'Artist 2', title: 'Song 2' }, 182));
    await writeFile(join(music, 'd.flac'), flacFile({ artist: 'Artist 3', title: 'Song 3 (Live)' }, 153));
    await writeFile(join(music, 'e.flac'), flacFile({ artist: 'Artist 6', title: 'Song 6' }, 156));
    await writeFile(join(music, 'Loose', 'untagged.mp3'), mp3File(undefined, 1));
    await mkdir(env.MIXTAPE_CONFIG_DIR, { recursive: true });
    await writeFile(join(env.MIXTAPE_CONFIG_DIR, 'match-overrides.json'), JSON.stringify([
      { artist: 'Artist 5', title: 'Song 5', to: 'Loose/untagged.mp3', target: 'music-dir' },
      { track: 't6', to: 'none' },
    ]));
    await subsonic.start();
  });
  afterAll(async () => {
    await subsonic.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists what a music folder lacks and why, reading tags and caching them', async () => {
    const r = await mixtape(['playlist', 'unmatched', 'Daily', '--music-dir', music, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual({
      playlist_id: 'mixtape:daily', name: 'Daily', target: 'music-dir', items: 7, matched: 3,
      match_tiers: { override: 1, mbid: 1, isrc: 0, exact: 1, fuzzy: 0 },
      music_dir: { files: 6, from_tags: 5, from_file_names: 1, cached: 0, unreadable: 0 },
      unmatched: [
        { position: 2, track_id: 't2', artist: 'Artist 2', title: 'Song 2', reason: 'duration_off', detail: 'duration off by 30 s: the library has "Artist 2 - Song 2 (3:02)", the track lasts 2:32' },
        { position: 3, track_id: 't3', artist: 'Artist 3', title: 'Song 3', reason: 'version_differs', detail: 'the library has "Artist 3 - Song 3 (Live) (2:33)" but not the studio version' },
        { position: 4, track_id: 't4', artist: 'Artist 4', title: 'Song 4', reason: 'no_artist', detail: 'no song by "artist 4" in the library' },
        { position: 6, track_id: 't6', artist: 'Artist 6', title: 'Song 6', reason: 'override_none', detail: 'the overrides file says this track is never matched' },
      ],
    });
    const human = await mixtape(['playlist', 'unmatched', 'Daily', '--music-dir', music], env);
    expect(human.stdout).toContain('"Daily" on music-dir: 3 of 7 tracks found (override 1, mbid 1, exact 1), 4 not found');
    expect(human.stdout).toContain('6 music files: 5 named by tags, 1 by file name (no tags), 6 from the cache');
    expect(human.stdout).toMatch(/3 +Artist 3 +Song 3 +version_differs +the library has "Artist 3 - Song 3 \(Live\) \(2:33\)" but not t/);
  });

  it('points a pushed M3U8 at the files the matcher found', async () => {
    const out = join(dir, 'daily.m3u8');
    const r = await mixtape(['playlist', 'push', 'Daily', '--to', 'm3u8', '--music-dir', music, '--out', out, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ local_files: 3, unmatched: 4, files_without_tags: 1, match_tiers: { override: 1, mbid: 1, exact: 1 } });
    const paths = (await readFile(out, 'utf8')).split('\n').filter((l) => l.startsWith('/'));
    expect(paths).toEqual([join(music, 'a.flac'), join(music, 'b.flac'), join(music, 'Loose', 'untagged.mp3')]);
  });

  it('lists what a Subsonic server lacks, by the same matcher and overrides', async () => {
    const senv = { ...env, SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'pw' };
    const r = await mixtape(['playlist', 'unmatched', 'Daily', '--to', 'subsonic', '--json'], senv);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ target: 'subsonic', items: 7, matched: 3, match_tiers: { override: 0, mbid: 0, isrc: 0, exact: 2, fuzzy: 1 } });
    expect(report.unmatched.map((u: { track_id: string; reason: string }) => `${u.track_id} ${u.reason}`)).toEqual(['t0 no_artist', 't2 duration_off', 't4 no_artist', 't6 override_none']);
    expect(r.stdout + r.stderr).not.toContain('"pw"');
  });

  it('says which tracks have no id on id-only services, and refuses --to with --music-dir', async () => {
    const r = await mixtape(['playlist', 'unmatched', 'Daily', '--to', 'listenbrainz', '--json'], { ...env, LISTENBRAINZ_TOKEN: 'lb-secret' });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ target: 'listenbrainz', matched: 1 });
    expect(report.unmatched[0]).toEqual({ position: 1, track_id: 't1', artist: 'Artist 1', title: 'Song 1', reason: 'no_id', detail: 'no ListenBrainz id is known for this track: run `mixtape enrich` to look it up' });
    const both = await mixtape(['playlist', 'unmatched', 'Daily', '--to', 'subsonic', '--music-dir', music], env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--music-dir=.* cannot also be provided when using --to|cannot also be provided/);
    const none = await mixtape(['playlist', 'unmatched', '--music-dir', music], env);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/There is no playlist "mixtape-recommendations"[\s\S]*Try: run `mixtape playlist list`/);
  });
});
