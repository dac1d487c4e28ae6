/**
 * Spotify export benchmark (issue 3): a fake Spotify with 25,000 saved tracks and playlists of
 * 12,000, 150 and 0 items, 30 ms latency and a rolling rate window (default 180 requests per 30 s).
 * Prints wall time and requests against the floor (the fewest requests the API allows for this
 * library) and against the time the window allows for those requests; then a second run.
 *
 *   npx tsx bench/export.ts [--limit 180] [--window-s 30] [--client-rate 180/30s] [--latency 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spotify } from '@mixtape/connectors';
import { FakeSpotify } from '@mixtape/fixtures';
import { exportSpotify, Store } from '@mixtape/pipeline';

const { values } = parseArgs({ options: { limit: { type: 'string', default: '180' }, 'window-s': { type: 'string', default: '30' }, 'client-rate': { type: 'string' }, latency: { type: 'string', default: '30' }, tracks: { type: 'string', default: '25000' } } });
const limit = Number(values.limit);
const windowMs = Number(values['window-s']) * 1000;
const clientRate = values['client-rate'] ?? `${limit}/${windowMs / 1000}s`;

const server = new FakeSpotify({ savedTracks: Number(values.tracks), playlists: [12_000, 150, 0], foreignPlaylists: [40], savedAlbums: 120, savedShows: 10, savedEpisodes: 30, followedArtists: 230, topItems: 50, recentlyPlayed: 50, rate: { count: limit, windowMs }, latencyMs: Number(values.latency) });
await server.start();

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
const o = server.opts;
// The fewest requests that can see this library: every page once, nothing for an empty playlist.
const floor = 1 + pages(server.saved.length, 50) + pages(o.savedAlbums, 50) + pages(o.savedShows, 50) + pages(o.savedEpisodes, 50)
  + pages(server.playlists.length, 50) + server.playlists.reduce((a, p) => a + (p.length === 0 ? 0 : p.owner === server.userId ? pages(p.length, 100) : 1), 0)
  + pages(o.followedArtists, 50) + 6 * pages(o.topItems, 50) + 1;
const floorAgain = 1 + 4 + pages(server.playlists.length, 50) + pages(o.followedArtists, 50) + 6 * pages(o.topItems, 50) + 1;

const dir = mkdtempSync(join(tmpdir(), 'mt-bench-export-'));
const store = await Store.open({ dataDir: dir });
const run = async () => {
  server.seen.length = 0;
  const client = spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: clientRate } });
  const t = performance.now();
  const s = await exportSpotify({ store, client });
  return { s, secs: (performance.now() - t) / 1000, requests: server.seen.length, r429: server.seen.filter((r) => r.status === 429).length };
};

const first = await run();
const allowed = (n: number) => (n * windowMs) / limit / 1000;
const items = Number(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'"));
const plItems = Number(await store.scalar('SELECT count(*) FROM playlist_items'));
const second = await run();
store.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });

console.log(`machine: ${cpus().length} cores, node ${process.version}; server window ${limit}/${windowMs / 1000}s, client rate ${clientRate}, latency ${values.latency} ms`);
console.log(`first run: ${first.secs.toFixed(1)} s wall, ${first.requests} requests (floor ${floor}, ${(first.requests / floor).toFixed(3)}x), ${first.r429} answered 429`);
console.log(`  time the window allows for the floor: ${allowed(floor).toFixed(1)} s -> wall / allowed = ${(first.secs / allowed(floor)).toFixed(3)}`);
console.log(`  saved tracks ${items}, playlist items ${plItems}, playlists ${JSON.stringify({ fetched: first.s.playlists.fetched, forbidden: first.s.playlists.forbidden })}`);
console.log(`second run: ${second.secs.toFixed(1)} s wall, ${second.requests} requests (floor ${floorAgain}), ${second.r429} answered 429, playlists unchanged ${second.s.playlists.unchanged}`);
