import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, mixtape } from '../../test/run-cli.js';
import { playlistFiles } from '@mixtape/connectors';
import { seedSyntheticPlaylist, Store, syntheticTrack } from '@mixtape/pipeline';
import { FakeSubsonic } from '../../../../../fixtures/src/servers/subsonic.js';
import { FakeSpotifyPlaylists } from '../../../../../fixtures/src/servers/spotify-playlists.js';


describe('mixtape playlist (built CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  const subsonic = new FakeSubsonic({
    password: 'pa55-word',
    // Tracks 0..299, except 290..299, which the server does not have.
    songs: Array.from({ length: 290 }, (_, i) => {
      const t = syntheticTrack(i);
      return { id: `so${i}`, title: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000), ...(i % 2 ? { musicBrainzId: t.mbid } : {}) };
    }),
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-playlist-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config'), MIXTAPE_SUBSONIC_RATE: '1000/1s', MIXTAPE_SPOTIFY_RATE: '100000/1s' };
    const store = await Store.open({ dataDir: env.MIXTAPE_DATA_DIR });
    await seedSyntheticPlaylist(store, { playlistId: 'spotify:playlist:road', name: 'Road trip', n: 300, without: new Set([5, 6]) });
    await seedSyntheticPlaylist(store, { playlistId: 'spotify:playlist:huge', name: 'Huge', n: 25_000 });
    store.close();
    await subsonic.start();
  });
  afterAll(async () => {
    await subsonic.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists and shows playlists', async () => {
    const list = JSON.parse((await mixtape(['playlist', 'list', '--json'], env)).stdout) as { playlists: { playlist_id: string; items: number }[] };
    expect(list.playlists.find((p) => p.playlist_id === 'spotify:playlist:road')?.items).toBe(300);
    const show = JSON.parse((await mixtape(['playlist', 'show', 'Road trip', '--limit', '3', '--json'], env)).stdout) as { tracks: { position: number; title: string }[] };
    expect(show.tracks).toMatchObject([{ position: 0, title: 'Song 0' }, { position: 1, title: 'Song 1' }, { position: 2, title: 'Song 2' }]);
    const missing = await mixtape(['playlist', 'show', 'Nope'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/There is no playlist "Nope"[\s\S]*Try: run `mixtape playlist list`/);
  });

  it('writes M3U8, XSPF, JSPF and Exportify CSV files', async () => {
    for (const to of ['m3u8', 'xspf', 'jspf', 'csv']) {
      const out = join(dir, `road.${to}`);
      const r = await mixtape(['playlist', 'push', 'Road trip', '--to', to, '--out', out, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ target: to, out, items: 300 });
    }
    expect(playlistFiles.parseM3u8(await readFile(join(dir, 'road.m3u8'), 'utf8')).entries.map((e) => e.label).slice(0, 2)).toEqual(['Artist 0 - Song 0', 'Artist 1 - Song 1']);
    const jspf = JSON.parse(await readFile(join(dir, 'road.jspf'), 'utf8')) as playlistFiles.Jspf;
    expect(playlistFiles.validateJspf(jspf)).toEqual([]);
    expect(jspf.playlist.track).toHaveLength(300);
    expect((await readFile(join(dir, 'road.xspf'), 'utf8')).match(/<track>/g)).toHaveLength(300);
    const csv = (await readFile(join(dir, 'road.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toMatch(/^"Track URI","Track Name"/);
    expect(csv).toHaveLength(301);
  });

  it('pushes to Subsonic with token auth, reports unmatched, and a second push changes nothing', async () => {
    const senv = { ...env, SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'pa55-word' };
    const r = await mixtape(['playlist', 'push', 'Road trip', '--to', 'subsonic', '--json'], senv);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { matched: number; unmatched: number; unmatched_tracks: { position: number }[]; parts: { action: string; remote_id: string }[] };
    expect(s.matched).toBe(290);
    expect(s.unmatched).toBe(10);
    expect(s.unmatched_tracks.map((t) => t.position)).toEqual([290, 291, 292, 293, 294, 295, 296, 297, 298, 299]);
    expect(subsonic.playlistSongs(s.parts[0]!.remote_id)).toEqual(Array.from({ length: 290 }, (_, i) => `so${i}`));
    const again = JSON.parse((await mixtape(['playlist', 'push', 'Road trip', '--to', 'subsonic', '--json'], senv)).stdout) as typeof s;
    expect(again.parts).toMatchObject([{ action: 'unchanged', remote_id: s.parts[0]!.remote_id }]);
    expect(subsonic.playlists.size).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('pa55-word');
    const unset = await mixtape(['playlist', 'push', 'Road trip', '--to', 'subsonic'], env);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toMatch(/needs SUBSONIC_URL, SUBSONIC_USER, SUBSONIC_PASSWORD/);
  });

  it('pushes a JSON list of track ids', async () => {
    const file = join(dir, 'picks.json');
    await writeFile(file, JSON.stringify(['t3', 't1', 't2']));
    const r = JSON.parse((await mixtape(['playlist', 'push', '--from-file', file, '--name', 'Picks', '--to', 'm3u8', '--out', join(dir, 'picks.m3u8'), '--json'], env)).stdout) as { items: number; name: string };
    expect(r).toMatchObject({ items: 3, name: 'Picks' });
    expect(playlistFiles.parseM3u8(await readFile(join(dir, 'picks.m3u8'), 'utf8')).entries.map((e) => e.label)).toEqual(['Artist 3 - Song 3', 'Artist 1 - Song 1', 'Artist 2 - Song 2']);
  });

  it('a push killed with SIGKILL resumes to exactly the 25,000-track playlist in three parts', async () => {
    const sp = new FakeSpotifyPlaylists();
    sp.latencyMs = 3;
    await sp.start();
    try {
      const penv = { ...env, SPOTIFY_ACCESS_TOKEN: 'test-token', MIXTAPE_SPOTIFY_API_URL: `${sp.url}/v1` };
      const child = spawn(process.execPath, [BIN, 'playlist', 'push', 'Huge', '--to', 'spotify', '--json'], { env: { ...process.env, ...penv }, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise<void>((r) => {
        const t = setInterval(() => {
          if (sp.count() >= 130) {
            clearInterval(t);
            child.kill('SIGKILL');
            r();
          }
        }, 2);
      });
      await exited;
      const killedAt = sp.count();
      expect(killedAt).toBeLessThan(253);
      const r = await mixtape(['playlist', 'push', 'Huge', '--to', 'spotify', '--json'], penv);
      expect(r.code, r.stderr).toBe(0);
      const lists = sp.list();
      expect(lists.map((p) => p.name)).toEqual(['Huge (1/3)', 'Huge (2/3)', 'Huge (3/3)']);
      // Tracks 5 and 6 were stored without ids (by "Road trip"): unmatched, the rest in order.
      expect(JSON.parse(r.stdout)).toMatchObject({ matched: 24_998, unmatched: 2 });
      expect(lists.map((p) => p.uris.length)).toEqual([10_000, 10_000, 4_998]);
      expect(lists.flatMap((p) => p.uris)).toEqual(Array.from({ length: 25_000 }, (_, i) => i).filter((i) => i !== 5 && i !== 6).map((i) => syntheticTrack(i).spotify_uri));
      // The resume re-did at most the one request in flight when killed.
      expect(sp.seen.filter((q) => q.method !== 'GET').length).toBeLessThanOrEqual(253 + 1);
    } finally {
      await sp.stop();
    }
  });
});
