/**
 * Enrichment benchmark (issue 4): N catalogue tracks against local Deezer, Last.fm and MusicBrainz
 * servers that enforce their limits (rolling windows; Deezer code 4 in HTTP 200, Last.fm error 29,
 * MusicBrainz 503), the defaults scaled by --scale (the client gets the same scaled rates through
 * MIXTAPE_*_RATE). Prints per service: requests, achieved rate / allowed rate over its active time,
 * limit errors provoked; then the requests of a second run.
 *
 *   npx tsx bench/enrich.ts [--tracks 5000] [--scale 20] [--latency 5]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FakeDeezer, FakeLastfm, FakeMusicBrainz, type FakeServer } from '@mixtape/fixtures';
import { enrichTracks, Store } from '@mixtape/pipeline';
import { seedCatalogue } from '../packages/pipeline/src/enrich/seed.test-helper.js';

const { values } = parseArgs({ strict: false, options: { tracks: { type: "string", default: "5000" }, scale: { type: "string", default: "20" }, latency: { type: "string", default: "5" }, serve: { type: "boolean" } } });
const n = Number(values.tracks);
const scale = Number(values.scale);
const latencyMs = Number(values.latency);
// Defaults of the services, scaled: same counts, windows divided by `scale`.
const limits = { deezer: { count: 50, windowMs: 5000 / scale }, lastfm: { count: 5, windowMs: 1000 / scale }, musicbrainz: { count: 1, windowMs: 1000 / scale } };

// The fake services run in their own process, as real ones would: the client's event loop and
// theirs do not stall each other, so arrival times are what the network delivers.
type Seen = { at: number[]; over: number; n: number };
if (process.argv.includes('--serve')) {
  const servers: Record<string, FakeServer> = {
    deezer: new FakeDeezer({ rate: limits.deezer, latencyMs }),
    lastfm: new FakeLastfm({ rate: limits.lastfm, latencyMs }),
    musicbrainz: new FakeMusicBrainz({ rate: limits.musicbrainz, latencyMs }),
  };
  await Promise.all(Object.values(servers).map((x) => x.start()));
  process.send!({ urls: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, v.url])) });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stats') process.send!({ stats: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, { at: v.seen.map((r) => r.at), over: v.seen.filter((r) => r.overLimit).length, n: v.seen.length } satisfies Seen])) });
    if (m.cmd === 'stop') void Promise.all(Object.values(servers).map((x) => x.stop())).then(() => process.exit(0));
  });
} else {
const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--serve'], { execArgv: process.execArgv });
const urls = await new Promise<Record<string, string>>((r) => child.once('message', (m: { urls: Record<string, string> }) => r(m.urls)));
const stats = () => new Promise<Record<string, Seen>>((r) => {
  child.once('message', (m: { stats: Record<string, Seen> }) => r(m.stats));
  child.send({ cmd: 'stats' });
});
const env = {
  ...process.env,
  MIXTAPE_DEEZER_API_URL: urls.deezer, MIXTAPE_DEEZER_RATE: `${limits.deezer.count}/${limits.deezer.windowMs}ms`,
  MIXTAPE_LASTFM_API_URL: `${urls.lastfm}/2.0/`, MIXTAPE_LASTFM_RATE: `${limits.lastfm.count}/${limits.lastfm.windowMs}ms`, LASTFM_API_KEY: 'test-key',
  MIXTAPE_MUSICBRAINZ_API_URL: `${urls.musicbrainz}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: `${limits.musicbrainz.count}/${limits.musicbrainz.windowMs}ms`,
};

const dir = mkdtempSync(join(tmpdir(), 'mt-bench-enrich-'));
const store = await Store.open({ dataDir: dir });
// The same catalogue the tests seed: the fakes' tracks, every 25th without an ISRC, all in the library.
await seedCatalogue(store, n);

const t0 = performance.now();
const first = await enrichTracks({ store, env });
const secs = (performance.now() - t0) / 1000;
console.log(`machine: ${cpus().length} cores, node ${process.version}; ${n} tracks; limits scaled x${scale}; server latency ${latencyMs} ms`);
console.log(`first run: ${secs.toFixed(1)} s`);
const seen1 = await stats();
for (const [name, srv] of Object.entries(seen1)) {
  const lim = limits[name as keyof typeof limits];
  const at = srv.at;
  const active = (Math.max(...at) - Math.min(...at)) / 1000;
  // Requests that a perfect client could have sent in the active time: count per window, plus the first burst.
  const allowedPerS = lim.count / (lim.windowMs / 1000);
  const achieved = (srv.n - lim.count) / Math.max(active, 1e-9);
  const limitErrors = srv.over;
  const s = first.sources[name as keyof typeof first.sources]!;
  console.log(`  ${name}: ${srv.n} requests in ${active.toFixed(1)} s, achieved ${(achieved).toFixed(2)}/s of ${allowedPerS.toFixed(2)}/s allowed = ${(achieved / allowedPerS).toFixed(3)}; limit errors ${limitErrors}; ` +
    `enriched ${s.enriched} (isrc ${s.matchedIsrc}, search ${s.matchedSearch}), not found ${s.notFound}, failed ${s.failed}`);
}
const before = Object.values(seen1).reduce((a, x) => a + x.n, 0);
const t1 = performance.now();
await enrichTracks({ store, env });
const seen2 = await stats();
console.log(`second run: ${Object.values(seen2).reduce((a, x) => a + x.n, 0) - before} requests, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
store.close();
child.send({ cmd: 'stop' });
rmSync(dir, { recursive: true, force: true });
}
