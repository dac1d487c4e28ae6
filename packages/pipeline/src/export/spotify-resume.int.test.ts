import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSpotify } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { CLI, runCli } from '../test/helpers.js';

// Runs the real CLI (built by `tsc -b`) in a child process and kills it with SIGKILL mid-run: the
// server holds a request unanswered at the kill point, so every kill lands inside a run, on any machine.
let server: FakeSpotify;

beforeAll(async () => {
  server = new FakeSpotify({ savedTracks: 2000, playlists: [1200, 150, 0], foreignPlaylists: [3], latencyMs: 25 });
  await server.start();
});
afterAll(() => server.stop());

/** Runs the export; with `killAtRequest`, kills it while the server holds that request (counted from its start) unanswered. */
async function runExport(dataDir: string, killAtRequest?: number) {
  const env = { MIXTAPE_SPOTIFY_API_URL: `${server.url}/v1`, MIXTAPE_SPOTIFY_ACCOUNTS_URL: server.url, SPOTIFY_ACCESS_TOKEN: 'test-token', MIXTAPE_SPOTIFY_RATE: '1000/1s' };
  if (killAtRequest === undefined) return runCli(['export', 'spotify', '--json', '--data-dir', dataDir], env);
  let held = false;
  void server.holdFrom(killAtRequest).then(() => (held = true));
  try {
    return await runCli(['export', 'spotify', '--json', '--data-dir', dataDir], env, { when: () => held });
  } finally {
    server.release();
  }
}

describe('export spotify after kill -9', () => {
  it('finishes with exact counts and nothing twice after several kills', { timeout: 240_000 }, async () => {
    expect(existsSync(CLI), 'build first: npx tsc -b').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mt-kill-'));
    // Kill points in the first pages, on a page boundary and off one, each short of the work left.
    for (const at of [5, 10, 17, 22]) {
      const r = await runExport(dir, at);
      expect(r.signal, `killed at request ${at}`).toBe('SIGKILL');
    }
    const final = await runExport(dir);
    expect(final.code).toBe(0);
    const store = await Store.open({ dataDir: dir });
    try {
      expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(2000);
      expect(await store.scalar("SELECT count(DISTINCT uri) FROM library WHERE kind = 'track'")).toBe(2000);
      for (const [i, len] of [[0, 1200], [1, 150], [2, 0]] as const) {
        const id = `spotify:playlist:${server.playlists[i]!.id}`;
        const rows = await store.all<{ n: number; mn: number | null; mx: number | null; d: number }>(
          'SELECT count(*) AS n, min(position) AS mn, max(position) AS mx, count(DISTINCT position) AS d FROM playlist_items WHERE playlist_id = $1', [id]);
        expect(rows[0]).toEqual({ n: len, mn: len ? 0 : null, mx: len ? len - 1 : null, d: len });
      }
      // Order: the track at each position is the one the server has there.
      const p = server.playlists[0]!;
      const uris = await store.all<{ position: number; uri: string }>(
        `SELECT i.position, c.uri FROM playlist_items i JOIN spotify_catalog c ON c.track_id = i.track_id WHERE i.playlist_id = $1 AND i.kind = 'track' AND NOT i.is_local ORDER BY i.position`, [`spotify:playlist:${p.id}`]);
      for (const u of uris) expect(u.uri).toBe(`spotify:track:${FakeSpotify.trackIdAt(p, u.position)}`);
      expect(await store.scalar("SELECT items_status FROM playlists WHERE playlist_id = $1", [`spotify:playlist:${server.playlists[3]!.id}`])).toBe('forbidden');
      expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'artist'")).toBe(45);
      // Every kill hit a run in progress, which the next run marked interrupted.
      expect(await store.all("SELECT status, count(*)::INTEGER AS n FROM runs GROUP BY status ORDER BY status")).toEqual([{ status: 'interrupted', n: 4 }, { status: 'ok', n: 1 }]);
      expect(await store.scalar("SELECT count(*) FROM checkpoints WHERE json_extract(state, '$.cursor') IS NOT NULL AND json_extract(state, '$.cursor')::VARCHAR <> 'null'")).toBe(0);
    } finally {
      store.close();
    }
    // A further run asks only what it needs to see that nothing changed.
    server.seen.length = 0;
    const again = JSON.parse((await runExport(dir)).stdout) as { requests: number; playlists: { unchanged: number } };
    expect(again.playlists.unchanged).toBe(4);
    expect(server.count(/\/items$/)).toBe(0);
    expect(server.count(/\/me\/tracks$/)).toBe(1);
  });
});
