import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spotify } from '@mixtape/connectors';
import { FakeSpotify } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { exportSpotify } from './spotify.js';

let server: FakeSpotify;
let store: Store;
const client = (env: Record<string, string> = {}) => spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: '1000/1s', ...env }, backoff: { baseMs: 20, maxMs: 100 } });

beforeEach(async () => {
  store = await Store.open({ dataDir: ':memory:' });
});
afterEach(async () => {
  store.close();
  await server.stop();
});

describe('exportSpotify', () => {
  it('exports every stream with exact counts and playlist order', async () => {
    server = new FakeSpotify({ savedTracks: 120, playlists: [250, 0], foreignPlaylists: [5] });
    await server.start();
    const s = await exportSpotify({ store, client: client() });
    expect(s.streams.saved_tracks).toMatchObject({ records: 120, pages: 3 });
    expect(await store.scalar('SELECT count(*) FROM library WHERE kind = $1', ['track'])).toBe(120);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'album'")).toBe(3);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'show'")).toBe(2);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'episode'")).toBe(2);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'artist'")).toBe(45);
    expect(s.playlists).toMatchObject({ total: 3, fetched: 2, forbidden: 1 });
    expect(s.playlists.details.find((d) => d.status === 'forbidden')?.name).toBe('Playlist 100');
    const p = server.playlists[0]!;
    const rows = await store.all<{ position: number; uri: string | null; kind: string; is_local: boolean; added_by: string | null }>(
      `SELECT i.position, c.uri, i.kind, i.is_local, i.added_by FROM playlist_items i LEFT JOIN spotify_catalog c ON c.track_id = i.track_id AND c.kind = i.kind
       WHERE i.playlist_id = $1 ORDER BY i.position`, [`spotify:playlist:${p.id}`]);
    expect(rows.length).toBe(250);
    expect(rows.map((r) => r.position)).toEqual([...Array(250).keys()]);
    const expected = (pos: number) => { const it = server.itemAt(p, pos); return it.kind; };
    expect(rows.filter((r) => r.kind === 'episode').map((r) => r.position)).toEqual([...Array(250).keys()].filter((i) => expected(i) === 'episode'));
    expect(rows.filter((r) => r.is_local).map((r) => r.position)).toEqual([...Array(250).keys()].filter((i) => expected(i) === 'local'));
    expect(rows[10]!.uri).toBe(`spotify:track:${spotifyIdOf(p, 10)}`);
    expect(await store.scalar("SELECT count(*) FROM spotify_top")).toBe(6 * 30);
    expect(await store.scalar("SELECT count(*) FROM plays WHERE source = 'spotify_api'")).toBe(20);
    expect(await store.scalar("SELECT count(*) FROM raw_pages")).toBeGreaterThan(10);
    expect(await store.scalar("SELECT isrc FROM tracks WHERE spotify_uri = (SELECT uri FROM spotify_catalog WHERE name = 'Track 0')")).toBe('QZMX00000000');
    expect(await store.scalar("SELECT status FROM runs ORDER BY run_id DESC LIMIT 1")).toBe('ok');
  });

  it('second run only asks what it needs to see that nothing changed, then picks up changes', async () => {
    server = new FakeSpotify({ savedTracks: 120, playlists: [250, 3], foreignPlaylists: [5] });
    await server.start();
    await exportSpotify({ store, client: client() });
    server.seen.length = 0;
    const s = await exportSpotify({ store, client: client() });
    expect(server.count(/\/playlists\/.+\/items/)).toBe(0);
    expect(server.count(/\/me\/tracks/)).toBe(1);
    expect(s.playlists.unchanged).toBe(3);
    server.addSavedTracks(7);
    server.editPlaylist(1, 130);
    server.seen.length = 0;
    await exportSpotify({ store, client: client(), streams: ['saved_tracks', 'playlists'] });
    expect(server.count(/\/me\/tracks/)).toBe(1);
    expect(server.count(/\/playlists\/.+\/items/)).toBe(2);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(127);
    expect(await store.scalar('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [`spotify:playlist:${server.playlists[1]!.id}`])).toBe(130);
  });

  it('--full drops saved tracks no longer saved; an incremental run does not', async () => {
    server = new FakeSpotify({ savedTracks: 120, playlists: [], foreignPlaylists: [] });
    await server.start();
    await exportSpotify({ store, client: client(), streams: ['saved_tracks'] });
    server.removeSavedTracks([0, 5, 77]);
    await exportSpotify({ store, client: client(), streams: ['saved_tracks'] });
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(120);
    const s = await exportSpotify({ store, client: client(), streams: ['saved_tracks'], full: true });
    expect(s.removed).toBe(3);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(117);
  });

  it('survives 429s, 5xx bursts, truncated bodies and connection resets', async () => {
    server = new FakeSpotify({ savedTracks: 200, playlists: [120], foreignPlaylists: [] });
    await server.start();
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, count: 1, path: /\/me\/tracks/ });
    server.inject({ kind: 'status', status: 503, count: 2, path: /\/me\/tracks/ });
    server.inject({ kind: 'truncate', count: 1, path: /items/ });
    server.inject({ kind: 'reset', count: 1, path: /\/me\/playlists/ });
    const s = await exportSpotify({ store, client: client(), streams: ['saved_tracks', 'playlists'] });
    expect(s.rateLimited).toBe(1);
    expect(s.retries).toBe(5);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(200);
    expect(await store.scalar('SELECT count(*) FROM playlist_items')).toBe(120);
  });

  it('stops cleanly on QUOTA_EXCEEDED and resumes later', async () => {
    server = new FakeSpotify({ savedTracks: 200, playlists: [], foreignPlaylists: [] });
    await server.start();
    server.inject({ kind: 'status', status: 429, body: { error: { status: 429, message: 'QUOTA_EXCEEDED' } }, headers: { 'retry-after': '3600' }, count: 1, path: /\/me\/tracks/, skip: 2 });
    const err = await exportSpotify({ store, client: client(), streams: ['saved_tracks'] }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('quota_exceeded');
    expect(String((err as Error).message)).toMatch(/resets around/);
    expect(await store.scalar("SELECT status FROM runs ORDER BY run_id DESC LIMIT 1")).toBe('stopped');
    const s = await exportSpotify({ store, client: client(), streams: ['saved_tracks'] });
    expect(s.streams.saved_tracks).toMatchObject({ records: 100, resumed: true });
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(200);
  });

  it('falls back to /tracks where a server lacks /items', async () => {
    server = new FakeSpotify({ savedTracks: 0, playlists: [140], foreignPlaylists: [], noItemsEndpoint: true });
    await server.start();
    await exportSpotify({ store, client: client(), streams: ['playlists'] });
    expect(await store.scalar('SELECT count(*) FROM playlist_items')).toBe(140);
    expect(server.count(/\/tracks$/)).toBe(2);
  });
});

function spotifyIdOf(p: { seed: number; version: number }, pos: number): string {
  return FakeSpotify.trackIdAt(p, pos);
}
