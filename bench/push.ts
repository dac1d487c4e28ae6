/**
 * Playlist push benchmark (issue 7): a 25,000-track playlist pushed to local fakes of Spotify,
 * Deezer, ListenBrainz and a Subsonic server (Navidrome shapes) that enforce each service's rules
 * (10,000 items a playlist and 100 per request for Spotify and Deezer, 100 recordings per request
 * for ListenBrainz). Prints requests made against the fewest the API allows, for a first push, a
 * second push of the same playlist, and a push stopped half-way then resumed; and the time taken.
 *
 *   npx tsx bench/push.ts [tracks=25000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spotify } from '@mixtape/connectors';
import { deezerTarget, listenBrainzTarget, pushPlaylist, seedSyntheticPlaylist, spotifyTarget, Store, subsonicTarget, syntheticTrack, type RemotePushSummary, type RemoteTarget } from '@mixtape/pipeline';
import { FakeDeezerPlaylists } from '../fixtures/src/servers/deezer-playlists.js';
import { FakeListenBrainz } from '../fixtures/src/servers/listenbrainz.js';
import { FakeSpotifyPlaylists } from '../fixtures/src/servers/spotify-playlists.js';
import { FakeSubsonic } from '../fixtures/src/servers/subsonic.js';
import type { FakeServer } from '../fixtures/src/servers/base.js';

const N = Number(process.argv[2] ?? 25_000);
const env: NodeJS.ProcessEnv = {
  MIXTAPE_SPOTIFY_RATE: '1000000/1s', MIXTAPE_DEEZER_RATE: '1000000/1s', MIXTAPE_LISTENBRAINZ_RATE: '1000000/1s', MIXTAPE_SUBSONIC_RATE: '1000000/1s',
  LISTENBRAINZ_TOKEN: 'lb-token', DEEZER_ACCESS_TOKEN: 'dz-token', SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
};

interface Case { name: string; server: FakeServer; target: () => RemoteTarget; cap: number; batch: number }

const sp = new FakeSpotifyPlaylists();
const dz = new FakeDeezerPlaylists();
const lb = new FakeListenBrainz();
const ss = new FakeSubsonic({ songs: Array.from({ length: N }, (_, i) => {
  const t = syntheticTrack(i);
  return { id: `so${i}`, title: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000), ...(i % 5 ? { musicBrainzId: t.mbid } : {}) };
}) });
for (const s of [sp, dz, lb, ss]) await s.start();
Object.assign(env, { MIXTAPE_DEEZER_API_URL: dz.url, MIXTAPE_LISTENBRAINZ_API_URL: lb.url, SUBSONIC_URL: ss.url });

const cases: Case[] = [
  { name: 'spotify', server: sp, cap: 10_000, batch: 100, target: () => spotifyTarget(spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${sp.url}/v1`, env })) },
  { name: 'deezer', server: dz, cap: 10_000, batch: 100, target: () => deezerTarget(env) },
  { name: 'listenbrainz', server: lb, cap: Infinity, batch: 100, target: () => listenBrainzTarget(env) },
  { name: 'subsonic', server: ss, cap: Infinity, batch: 200, target: () => subsonicTarget(env) },
];

/** The fewest write requests a fresh push needs: one create per part plus ceil(items / batch) per part. */
function minimum(c: Case): { parts: number; writes: number } {
  let writes = 0;
  let parts = 0;
  for (let left = N; left > 0; left -= Math.min(left, c.cap)) {
    parts++;
    writes += 1 + Math.ceil(Math.min(left, c.cap) / c.batch);
  }
  return { parts, writes };
}

const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-push-'));
const store = await Store.open({ dataDir: dir });
await seedSyntheticPlaylist(store, { playlistId: 'bench:first', name: 'Bench', n: N });
await seedSyntheticPlaylist(store, { playlistId: 'bench:resume', name: 'Bench resume', n: N });
const rows: Record<string, string | number>[] = [];
for (const c of cases) {
  const min = minimum(c);
  const push = async (playlist: string, stop?: number) =>
    (await pushPlaylist(store, { playlist, to: c.name as 'spotify', env, target: c.target(), ...(stop ? { stopAfterRequests: stop } : {}) })) as unknown as RemotePushSummary;
  let t = performance.now();
  const first = await push('bench:first');
  const firstS = (performance.now() - t) / 1000;
  t = performance.now();
  const second = await push('bench:first');
  const secondS = (performance.now() - t) / 1000;
  const reads = first.requests - first.write_requests;
  let stopped = 0;
  try {
    await push('bench:resume', reads + Math.floor(min.writes / 2));
  } catch (e) {
    if ((e as { code?: string }).code !== 'push_interrupted') throw e;
    stopped = reads + Math.floor(min.writes / 2);
  }
  const resumed = await push('bench:resume');
  rows.push({
    target: c.name, parts: first.parts.length, matched: first.matched,
    'writes (first push)': first.write_requests, 'API minimum': min.writes, 'all requests (first)': first.requests, 's (first)': firstS.toFixed(2),
    'requests (again)': second.requests, 'writes (again)': second.write_requests - second.parts.length, 's (again)': secondS.toFixed(2),
    'requests after matching (stopped half-way, resumed)': stopped - reads + resumed.write_requests, 'over minimum': stopped - reads + resumed.write_requests - min.writes,
  });
}
store.close();
for (const s of [sp, dz, lb, ss]) await s.stop();
rmSync(dir, { recursive: true, force: true });

console.log(`push of a ${N.toLocaleString('en-US')}-track playlist · node ${process.version} · ${cpus().length} cores · local fakes, no network latency`);
const cols = Object.keys(rows[0]!);
console.log(`| ${cols.join(' | ')} |`);
console.log(`|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((k) => r[k]).join(' | ')} |`);
