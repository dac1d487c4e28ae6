import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTrack, FakeJellyfin, FakeListenBrainz, FakeSubsonic } from '@mixtape/fixtures';
import { withStore, type DailySummary } from '@mixtape/pipeline';
import { dailyTrackN, seedDailyListener } from '../../../pipeline/src/daily/seed.test-helper.js';
import { mixtape } from '../test/run-cli.js';

const ARTISTS = 40;
const PER_ARTIST = 5;
const RECENT = Array.from({ length: 10 }, (_, k) => k * 2);
/** Favourites heard lately may come back (up to their share): the listens below are of other tracks. */
const FAVOURITES = new Set(RECENT.slice(0, 5).map((i) => dailyTrackN(i, ARTISTS)));
const notFavourite = (n: number) => !FAVOURITES.has(n);
const NAME = 'Mixtape Daily';
/** Catalogue track n's recording MBID (the ListenBrainz playlist holds recordings). */
const mbidOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const nOf = (mbid: string) => Number(mbid.slice(24));
const CATALOGUE = Array.from({ length: ARTISTS * PER_ARTIST }, (_, i) => catalogTrack(dailyTrackN(i, ARTISTS)));
const now = () => Math.floor(Date.now() / 1000);

describe('mixtape daily (built CLI): ListenBrainz listens into Navidrome, Jellyfin and ListenBrainz playlists', () => {
  let dir: string;
  let env: Record<string, string>;
  let m3u: string;
  const subsonic = new FakeSubsonic({ songs: CATALOGUE.map((t) => ({ id: `so${t.n}`, title: t.title, artist: t.artist, album: t.album, duration: t.durationMs / 1000 })) });
  const jellyfin = new FakeJellyfin({ songs: CATALOGUE.map((t) => ({ id: `jf${t.n}`, name: t.title, artist: t.artist, album: t.album, duration: t.durationMs / 1000 })) });
  const lb = new FakeListenBrainz({ user: 'listener', rate: { count: 1000, windowMs: 1000 } });
  /** A listen of catalogue track n, as a scrobbler with MusicBrainz mapping submits it. */
  const listen = (n: number, at: number) => {
    const t = catalogTrack(n);
    lb.addListen(at, { title: t.title, artist: t.artist, album: t.album }, { mbid_mapping: { recording_mbid: mbidOf(n), artist_mbids: [], recording_name: t.title } });
  };
  /** The daily playlist on each server: its id, its tracks (catalogue numbers) and its description. */
  const playlists = () => {
    const nd = [...subsonic.playlists.values()].filter((p) => p.name === NAME);
    const jf = [...jellyfin.playlists.values()].filter((p) => p.name === NAME);
    const lbp = [...lb.playlists.values()].filter((p) => p.title === NAME);
    expect([nd.length, jf.length, lbp.length]).toEqual([1, 1, 1]);
    return {
      navidrome: { id: nd[0]!.id, tracks: nd[0]!.songIds.map((id) => Number(id.slice(2))), description: nd[0]!.comment ?? '' },
      jellyfin: { id: jf[0]!.id, tracks: jf[0]!.entries.map((e) => Number(e.itemId.slice(2))), description: jf[0]!.overview ?? '' },
      listenbrainz: { id: lbp[0]!.mbid, tracks: lbp[0]!.recordings.map(nOf), description: lbp[0]!.annotation },
    };
  };
  const ids = (p: ReturnType<typeof playlists>) => [p.navidrome.id, p.jellyfin.id, p.listenbrainz.id];
  const writes = () => [subsonic.writes(), jellyfin.writes(), lb.writes()];
  const daily = async () => {
    const r = await mixtape(['daily', '--count', '30', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as DailySummary;
  };
  const fromListenBrainz = (s: DailySummary) => s.sources.find((x) => x.name === 'listenbrainz');
  const actions = (s: DailySummary) => s.targets.map((t) => [t.target, 'parts' in t.push ? t.push.parts.map((p) => `${p.action} ${p.remote_id}`).join() : '']);
  /** Each server's description lists its own tracks in order, each with a reason. */
  const expectReasons = (p: { tracks: number[]; description: string }) => {
    const lines = p.description.split('\n');
    expect(lines[0]).toBe(`${NAME}: new listens folded in, refreshed daily by Mixtape. Why each track:`);
    expect(lines.slice(1).map((l) => l.replace(/: (one of your favourites|because you played|new to you).*$/, ''))).toEqual(p.tracks.map((n, i) => `${i + 1}. ${catalogTrack(n).artist} - ${catalogTrack(n).title}`));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-daily-servers-'));
    await Promise.all([subsonic.start(), jellyfin.start(), lb.start()]);
    env = {
      MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config'),
      MIXTAPE_SUBSONIC_RATE: '1000/1s', MIXTAPE_JELLYFIN_RATE: '1000/1s', MIXTAPE_LISTENBRAINZ_RATE: '1000/1s',
      SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
      JELLYFIN_URL: jellyfin.url, JELLYFIN_TOKEN: 'jf-key', JELLYFIN_USER: 'listener',
      LISTENBRAINZ_USER: 'listener', LISTENBRAINZ_TOKEN: 'lb-token', MIXTAPE_LISTENBRAINZ_API_URL: lb.url,
      LASTFM_USER: '', LASTFM_API_KEY: '', DEEZER_ACCESS_TOKEN: '', SPOTIFY_ACCESS_TOKEN: '',
    };
    await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, async (store) => {
      const tracks = await seedDailyListener(store, { artists: ARTISTS, perArtist: PER_ARTIST, plays: 1500, recent: RECENT, favourites: RECENT.slice(0, 5) });
      // Enriched as `mixtape enrich` leaves them: every track has its recording MBID.
      for (const [i, id] of tracks) {
        await store.run(`UPDATE tracks SET mbid = $1 WHERE track_id = $2`, [mbidOf(dailyTrackN(i, ARTISTS)), id]);
        await store.run(`INSERT OR IGNORE INTO track_keys (key_type, key, track_id) VALUES ('mbid', $1, $2)`, [mbidOf(dailyTrackN(i, ARTISTS)), id]);
      }
    });
    const t = await mixtape(['train', '--json'], env);
    expect(t.code, t.stderr).toBe(0);
    // Two listens from long ago, already on ListenBrainz before the first daily run.
    listen(CATALOGUE[100]!.n, now() - 40 * 86_400);
    listen(CATALOGUE[101]!.n, now() - 39 * 86_400);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([subsonic.stop(), jellyfin.stop(), lb.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a Navidrome playlist of the daily name that is synced from an M3U file, writes nothing there, and still refreshes the other servers', async () => {
    m3u = subsonic.addPlaylist({ name: NAME, songIds: ['so1', 'so2'], path: '/music/playlists/Mixtape Daily.m3u', sync: true });
    const before = writes();
    const r = await mixtape(['daily', '--count', '30', '--json'], env);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: {
      code: 'playlist_synced_from_file',
      message: 'The playlist "Mixtape Daily" on the Navidrome server is synced from the M3U file /music/playlists/Mixtape Daily.m3u: the next scan would overwrite anything pushed into it (refreshed anyway: jellyfin, listenbrainz)',
      suggestion: expect.stringMatching(/Auto-import/),
    } });
    // Nothing is written to Navidrome; the other servers still get today's playlist.
    expect(writes()[0]).toEqual(before[0]);
    expect(subsonic.playlistSongs(m3u)).toEqual(['so1', 'so2']);
    expect([jellyfin.playlists.size, lb.playlists.size]).toEqual([1, 1]);
  }, 120_000);

  it('with auto-import off, takes that playlist over; the others are already fresh, each with every reason', async () => {
    subsonic.playlists.get(m3u)!.sync = false;
    const s = await daily();
    expect(s.targets.map((t) => t.picks)).toEqual([30, 30, 30]);
    const p = playlists();
    // Jellyfin and ListenBrainz were refreshed by the run that Navidrome refused, with the same picks.
    expect(actions(s)).toEqual([['subsonic', `adopted ${m3u}`], ['jellyfin', `unchanged ${p.jellyfin.id}`], ['listenbrainz', `unchanged ${p.listenbrainz.id}`]]);
    expect(p.navidrome.id).toBe(m3u);
    // The same library everywhere: the same picks in the same order.
    expect(p.jellyfin.tracks).toEqual(p.navidrome.tracks);
    expect(p.listenbrainz.tracks).toEqual(p.navidrome.tracks);
    for (const x of Object.values(p)) expectReasons(x);
  }, 120_000);

  it('a new listen on ListenBrainz is folded in: the heard tracks leave every playlist, ids kept, reasons rewritten', async () => {
    const before = playlists();
    const heard = before.navidrome.tracks.filter(notFavourite).slice(0, 3);
    heard.forEach((n, k) => listen(n, now() - 1 - k));
    const s = await daily();
    expect(fromListenBrainz(s)).toMatchObject({ plays: 3 });
    expect(s.fold).toMatchObject({ plays: 3, tracks: 3, unknownTracks: 0 });
    const after = playlists();
    expect(ids(after)).toEqual(ids(before));
    expect(actions(s)).toEqual([['subsonic', `replaced ${m3u}`], ['jellyfin', `replaced ${before.jellyfin.id}`], ['listenbrainz', `replaced ${before.listenbrainz.id}`]]);
    for (const x of Object.values(after)) {
      expect(x.tracks).toHaveLength(30);
      for (const n of heard) expect(x.tracks).not.toContain(n);
      expectReasons(x);
    }
    expect(after.listenbrainz.description).not.toBe(before.listenbrainz.description);
    for (const n of heard) expect(after.listenbrainz.description).not.toContain(`- ${catalogTrack(n).title}:`);
  }, 120_000);

  it('a backdated listen (older than the newest stored, within the overlap) is caught on the next run', async () => {
    const before = playlists();
    const late = before.navidrome.tracks.filter(notFavourite)[0]!;
    const newest = Math.max(...lb.listens.map((l) => l.listened_at));
    // Played offline three days ago and submitted only now.
    listen(late, now() - 3 * 86_400);
    const s = await daily();
    expect(fromListenBrainz(s)).toMatchObject({ plays: 1 });
    // A forward pass from the newest stored listen minus the 14-day overlap read it.
    const read = lb.seen.filter((r) => r.path.endsWith('/listens')).at(-1)!;
    expect(read.query.get('min_ts')).toBe(String(newest - 14 * 86_400));
    const after = playlists();
    expect(ids(after)).toEqual(ids(before));
    for (const x of Object.values(after)) {
      expect(x.tracks).toHaveLength(30);
      expect(x.tracks).not.toContain(late);
    }
  }, 120_000);

  it('a hate on ListenBrainz bans the track on every server', async () => {
    const before = playlists();
    const hated = before.navidrome.tracks[5]!;
    lb.setFeedback(-1, { mbid: mbidOf(hated) });
    const s = await daily();
    expect(fromListenBrainz(s)).toMatchObject({ plays: 0, feedback: 1 });
    const after = playlists();
    expect(ids(after)).toEqual(ids(before));
    for (const x of Object.values(after)) expect(x.tracks).not.toContain(hated);
  }, 120_000);

  it('a rerun with nothing new changes nothing and sends no write to any server', async () => {
    const before = playlists();
    const w = writes();
    const s = await daily();
    expect(fromListenBrainz(s)).toMatchObject({ plays: 0, feedback: 0 });
    expect(actions(s)).toEqual([['subsonic', `unchanged ${m3u}`], ['jellyfin', `unchanged ${before.jellyfin.id}`], ['listenbrainz', `unchanged ${before.listenbrainz.id}`]]);
    expect(writes()).toEqual(w);
    expect(playlists()).toEqual(before);
  }, 120_000);
});
