/**
 * `mixtape daily` benchmark (issue 15). Builds a store of 100k plays (1,000 artists × 5 tracks),
 * trains the personal model once (the nightly job, timed apart), then times the daily job against
 * a local fake Navidrome holding the whole catalogue and a fake Last.fm: first run (creates the
 * playlist), a rerun with nothing new (must write nothing), and freshness: with the scheduler
 * firing every PERIOD seconds, a listen scrobbled to the fake Last.fm must be reflected in the
 * Navidrome playlist (the heard track leaves it, the play is folded in) within one period plus the
 * job's run time. Prints a reference time (sorting 1M floats) measured in the same run.
 *
 *   npx tsx bench/daily.ts [plays=100000] [period_s=10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogTrack, FakeLastfm, FakeSubsonic } from '@mixtape/fixtures';
import { addSchedule, runDaemon, runDaily, trainPersonal, withStore, type DailySummary } from '@mixtape/pipeline';
import { dailyTrackN, seedDailyListener } from '../packages/pipeline/src/daily/seed.test-helper.js';

const PLAYS = Number(process.argv[2] ?? 100_000);
const PERIOD = Number(process.argv[3] ?? 10);
const ARTISTS = 1000;
const PER_ARTIST = 5;

function reference(): number {
  const a = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * 1e6);
  const t = performance.now();
  a.sort();
  return (performance.now() - t) / 1000;
}

const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-daily-'));
const subsonic = new FakeSubsonic({
  songs: Array.from({ length: ARTISTS * PER_ARTIST }, (_, i) => {
    const t = catalogTrack(dailyTrackN(i, ARTISTS));
    return { id: `so${t.n}`, title: t.title, artist: t.artist, album: t.album, duration: t.durationMs / 1000 };
  }),
});
const lastfm = new FakeLastfm({ scrobbles: 0, loved: 0, nowPlaying: false, rate: { count: 100_000, windowMs: 1000 } });
await subsonic.start();
await lastfm.start();
const env: NodeJS.ProcessEnv = {
  ...process.env, MIXTAPE_SUBSONIC_RATE: '100000/1s', MIXTAPE_LASTFM_RATE: '100000/1s',
  SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
  LASTFM_USER: 'rj', LASTFM_API_KEY: 'test-key', MIXTAPE_LASTFM_API_URL: lastfm.url,
};
const store = { dataDir: dir };
const writes = () => subsonic.count(/createPlaylist|updatePlaylist|deletePlaylist/);
const songs = () => [...subsonic.playlists.values()][0]?.songIds.map((id) => Number(id.slice(2))) ?? [];
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

try {
  let t = performance.now();
  await withStore(store, (s) => seedDailyListener(s, { artists: ARTISTS, perArtist: PER_ARTIST, plays: PLAYS, recent: Array.from({ length: 50 }, (_, i) => i * 3), favourites: Array.from({ length: 25 }, (_, i) => i * 6) }));
  const plays = await withStore(store, (s) => s.scalar<number>('SELECT count(*) FROM plays'));
  console.log(`store: ${plays} plays, ${ARTISTS * PER_ARTIST} tracks, written in ${seconds(t)} s`);
  t = performance.now();
  await trainPersonal({ store, dataDir: dir });
  console.log(`nightly train (separate job, not part of daily): ${seconds(t)} s`);
  const ref = reference();
  const daily = () => runDaily({ store, env });
  const time = async (label: string) => {
    const w = writes();
    const s0 = performance.now();
    const s: DailySummary = await daily();
    const took = (performance.now() - s0) / 1000;
    const push = s.targets[0]!.push;
    console.log(`${label}: ${took.toFixed(2)} s (ratio to reference ${(took / ref).toFixed(1)}), picks ${s.targets[0]!.picks}, action ${'parts' in push ? push.parts.map((p) => p.action).join(',') : '-'}, write requests ${writes() - w}`);
    return took;
  };
  const first = await time('daily, first run');
  const again = await time('daily, nothing new');

  // Freshness: the scheduler fires every PERIOD s; a listen of today's first pick is scrobbled at a random moment.
  const controller = new AbortController();
  await withStore(store, (s) => addSchedule(s, `*/${PERIOD} * * * * *`, 'daily'));
  let runs = 0;
  const daemon = runDaemon({ store, signal: controller.signal, reloadMs: 3_600_000, runJob: async () => {
    await daily();
    runs++;
    return { code: 0, output: '' };
  } });
  await new Promise((r) => setTimeout(r, PERIOD * 1000 * 0.37));
  const heard = songs()[0]!;
  const now = Math.floor(Date.now() / 1000);
  lastfm.scrobble = () => ({ n: heard, uts: now });
  lastfm.scrobbleCount = 1;
  const scrobbledAt = performance.now();
  while (songs().includes(heard) && performance.now() - scrobbledAt < (PERIOD + 60) * 1000) await new Promise((r) => setTimeout(r, 50));
  const latency = (performance.now() - scrobbledAt) / 1000;
  controller.abort();
  await daemon;
  const folded = await withStore(store, (s) => s.scalar<number>("SELECT count(*) FROM plays WHERE source = 'lastfm'"));
  const bound = PERIOD + Math.max(first, again);
  console.log(`freshness: listen scrobbled → gone from the Navidrome playlist after ${latency.toFixed(2)} s (bound: period ${PERIOD} s + run ${Math.max(first, again).toFixed(2)} s = ${bound.toFixed(2)} s) ${latency <= bound ? 'OK' : 'OVER'}; ${folded} Last.fm play stored, ${runs} scheduled runs`);
  console.log(`goal daily ≤ 10 s on ${plays} plays: ${Math.max(first, again) <= 10 ? 'met' : 'missed'}; reference sort of 1M floats ${ref.toFixed(3)} s; ${cpus().length} cores ${cpus()[0]?.model ?? ''}, Node ${process.version}`);
} finally {
  await subsonic.stop();
  await lastfm.stop();
  rmSync(dir, { recursive: true, force: true });
}
