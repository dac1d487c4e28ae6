import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTrack, FakeLastfm, FakeSubsonic } from '@mixtape/fixtures';
import { withStore, type DailySummary } from '@mixtape/pipeline';
import { dailyTrackN, seedDailyListener } from '../../../pipeline/src/daily/seed.test-helper.js';
import { mixtape } from '../test/run-cli.js';

const ARTISTS = 40;
const PER_ARTIST = 5;
// Heard two days ago; the first five are favourites too.
const RECENT = Array.from({ length: 10 }, (_, k) => k * 2);
const FAVOURITES = RECENT.slice(0, 5);

describe('mixtape daily (built CLI, fake Navidrome and Last.fm)', () => {
  let dir: string;
  let env: Record<string, string>;
  let ids: Map<number, string>;
  // The server has every track but each artist's last one.
  const subsonic = new FakeSubsonic({
    songs: Array.from({ length: ARTISTS * (PER_ARTIST - 1) }, (_, i) => {
      const t = catalogTrack(dailyTrackN(i, ARTISTS));
      return { id: `so${t.n}`, title: t.title, artist: t.artist, album: t.album, duration: t.durationMs / 1000 };
    }),
  });
  const lastfm = new FakeLastfm({ scrobbles: 0, loved: 0, nowPlaying: false, rate: { count: 1000, windowMs: 1000 } });
  const writes = () => subsonic.count(/createPlaylist|updatePlaylist|deletePlaylist/);
  const daily = async (...args: string[]) => {
    const r = await mixtape(['daily', '--count', '30', '--favourites-share', '0.1', '--json', ...args], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as DailySummary;
  };
  const playlist = () => {
    expect(subsonic.playlists.size).toBe(1);
    const p = [...subsonic.playlists.values()][0]!;
    return { ...p, songs: p.songIds.map((id) => catalogTrack(Number(id.slice(2)))) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-daily-'));
    await subsonic.start();
    await lastfm.start();
    env = {
      MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config'), MIXTAPE_SUBSONIC_RATE: '1000/1s', MIXTAPE_LASTFM_RATE: '1000/1s',
      SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
      LASTFM_USER: 'rj', LASTFM_API_KEY: 'test-key', MIXTAPE_LASTFM_API_URL: lastfm.url,
    };
    ids = await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, (store) => seedDailyListener(store, { artists: ARTISTS, perArtist: PER_ARTIST, plays: 1500, recent: RECENT, favourites: FAVOURITES }));
    const t = await mixtape(['train', '--json'], env);
    expect(t.code, t.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await subsonic.stop();
    await lastfm.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the playlist once, by the rules, with every reason in its comment', async () => {
    const s = await daily();
    // The Navidrome it pushes to is a source too: its stars and play counts (none in this fake library yet).
    expect(s.sources).toMatchObject([{ name: 'lastfm', plays: 0 }, { name: 'subsonic', plays: 0, feedback: 0 }]);
    expect(s.targets).toHaveLength(1);
    const t = s.targets[0]!;
    expect(t).toMatchObject({ target: 'subsonic', available: ARTISTS * (PER_ARTIST - 1), picks: 30 });
    expect('parts' in t.push && t.push.parts.map((p) => p.action)).toEqual(['created']);
    const p = playlist();
    expect(p.name).toBe('Mixtape Daily');
    expect(p.songs).toHaveLength(30);
    // At most two per artist, and only what the server has (each artist's last track is missing there).
    const per = new Map<string, number>();
    for (const x of p.songs) per.set(x.artist, (per.get(x.artist) ?? 0) + 1);
    expect(Math.max(...per.values())).toBe(2);
    // Heard two days ago: only favourites come back, at most 10 % of 30.
    const heard = new Set(RECENT.map((i) => dailyTrackN(i, ARTISTS)));
    const back = p.songs.filter((x) => heard.has(x.n)).map((x) => x.n);
    expect(back.length).toBe(t.recent_favourites);
    expect(back.length).toBeLessThanOrEqual(3);
    for (const n of back) expect(FAVOURITES.map((i) => dailyTrackN(i, ARTISTS))).toContain(n);
    // The comment gives each pick and its reason, in order.
    const lines = p.comment!.split('\n').slice(1);
    expect(lines).toHaveLength(30);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${i + 1}\\. ${p.songs[i]!.artist} - ${p.songs[i]!.title}: (one of your favourites|because you played|new to you)`)));
  }, 120_000);

  it('a rerun with nothing new keeps the playlist and writes nothing', async () => {
    const before = playlist();
    const w = writes();
    const s = await daily();
    expect(s.targets[0]!.push).toMatchObject({ parts: [{ action: 'unchanged', remote_id: before.id }] });
    expect(writes()).toBe(w);
    expect(playlist().songIds).toEqual(before.songIds);
  }, 120_000);

  it('never picks a banned track, and updates the same playlist in place', async () => {
    const before = playlist();
    const banned = before.songs[0]!;
    const f = await mixtape(['feedback', '--track', `${banned.artist} - ${banned.title}`, '--ban', '--json'], env);
    expect(f.code, f.stderr).toBe(0);
    const s = await daily();
    expect(s.targets[0]!.push).toMatchObject({ parts: [{ action: 'replaced', remote_id: before.id }] });
    const after = playlist();
    expect(after.id).toBe(before.id);
    expect(after.songs.map((x) => x.n)).not.toContain(banned.n);
    expect(after.songs).toHaveLength(30);
  }, 120_000);

  it('a listen scrobbled to Last.fm is folded in and shows in the next playlist', async () => {
    const before = playlist();
    // The listener plays three of today's picks (and two tracks the model has never seen).
    const heardNow = [...before.songs.slice(0, 3).map((x) => x.n), 4500, 4600];
    const now = Math.floor(Date.now() / 1000);
    lastfm.scrobble = (i: number) => ({ n: heardNow[i]!, uts: now - 60 * (i + 1) });
    lastfm.scrobbleCount = heardNow.length;
    const s = await daily();
    expect(s.sources).toMatchObject([{ name: 'lastfm', plays: 5 }, { name: 'subsonic', plays: 0 }]);
    expect(s.fold).toMatchObject({ plays: 5, tracks: 5, unknownTracks: 2 });
    const after = playlist();
    expect(after.id).toBe(before.id);
    for (const n of heardNow.slice(0, 3)) expect(after.songs.map((x) => x.n)).not.toContain(n);
    expect(ids.size).toBe(ARTISTS * PER_ARTIST);
  }, 120_000);

  it('schedules itself at 06:00 by default', async () => {
    const r = await mixtape(['schedule', 'add', 'daily', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cron: '0 6 * * *', job: 'daily' });
    const at = await mixtape(['schedule', 'add', 'daily', '--at', '07:45', '--json'], env);
    expect(JSON.parse(at.stdout)).toMatchObject({ cron: '45 7 * * *', job: 'daily' });
    const bad = await mixtape(['schedule', 'add', 'daily', '--at', '25:00'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/"25:00" is not a time of day/);
  }, 60_000);
});
