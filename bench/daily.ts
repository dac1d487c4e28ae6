/**
 * `mixtape daily` benchmark (issue 15). Builds a store of 100k plays (1,000 artists × 5 tracks),
 * trains the personal model once (the nightly job, timed apart), then times the daily job against
 * a local fake Navidrome holding the whole catalogue and a fake ListenBrainz holding 1,000 older
 * listens: first run (imports them, creates the playlist), a rerun with nothing new (must write
 * nothing), and freshness: with the scheduler firing every PERIOD seconds, a listen submitted to
 * the fake ListenBrainz must be reflected in the Navidrome playlist (the heard track leaves it, the
 * play is folded in) within one period plus the job's run time. Prints a reference time (sorting
 * 1M floats) measured in the same run.
 *
 *   npx tsx bench/daily.ts [plays=100000] [period_s=10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogTrack, FakeListenBrainz, FakeSubsonic } from '@mixtape/fixtures';
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
const listenbrainz = new FakeListenBrainz({ user: 'listener', rate: { count: 100_000, windowMs: 1000 } });
/** A listen of catalogue track n at `at` (seconds), as a scrobbler submits it. */
const listen = (n: number, at: number) => {
  const t = catalogTrack(n);
  listenbrainz.addListen(at, { title: t.title, artist: t.artist, album: t.album });
};
// The listener's ListenBrainz history: 1,000 listens 30 to 40 days ago, 15 minutes apart.
for (let i = 0; i < 1000; i++) listen(dailyTrackN((i * 7919) % (ARTISTS * PER_ARTIST), ARTISTS), Math.floor(Date.now() / 1000) - 40 * 86_400 + i * 900);
await subsonic.start();
await listenbrainz.start();
const env: NodeJS.ProcessEnv = {
  ...process.env, MIXTAPE_SUBSONIC_RATE: '100000/1s', MIXTAPE_LISTENBRAINZ_RATE: '100000/1s',
  SUBSONIC_URL: subsonic.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
  LISTENBRAINZ_USER: 'listener', MIXTAPE_LISTENBRAINZ_API_URL: listenbrainz.url,
  LASTFM_USER: '', JELLYFIN_URL: '', LISTENBRAINZ_TOKEN: '', DEEZER_ACCESS_TOKEN: '',
};
const store = { dataDir: dir };
const writes = () => subsonic.writes();
const songs = () => [...subsonic.playlists.values()][0]?.songIds.map((id) => Number(id.slice(2))) ?? [];
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

try {
  let t = performance.now();
  const favourites = Array.from({ length: 25 }, (_, i) => i * 6);
  await withStore(store, (s) => seedDailyListener(s, { artists: ARTISTS, perArtist: PER_ARTIST, plays: PLAYS, recent: Array.from({ length: 50 }, (_, i) => i * 3), favourites }));
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
    const lb = s.sources.find((x) => x.name === 'listenbrainz');
    console.log(`${label}: ${took.toFixed(2)} s (ratio to reference ${(took / ref).toFixed(1)}), ListenBrainz ${lb && 'plays' in lb ? `${lb.plays} new plays in ${lb.seconds} s` : `failed: ${lb && 'failed' in lb ? lb.failed : 'not run'}`}, picks ${s.targets[0]!.picks}, action ${'parts' in push ? push.parts.map((p) => p.action).join(',') : '-'}, write requests ${writes() - w}`);
    return took;
  };
  const first = await time('daily, first run');
  const again = await time('daily, nothing new');

  // Freshness: the scheduler fires every PERIOD s; a listen of today's first pick that is not a
  // favourite (a heard favourite may stay, within its share) is submitted at a random moment.
  const controller = new AbortController();
  await withStore(store, (s) => addSchedule(s, `*/${PERIOD} * * * * *`, 'daily'));
  let runs = 0;
  const daemon = runDaemon({ store, signal: controller.signal, reloadMs: 3_600_000, runJob: async () => {
    await daily();
    runs++;
    return { code: 0, output: '' };
  } });
  await new Promise((r) => setTimeout(r, PERIOD * 1000 * 0.37));
  const liked = new Set(favourites.map((i) => dailyTrackN(i, ARTISTS)));
  const heard = songs().find((n) => !liked.has(n))!;
  listen(heard, Math.floor(Date.now() / 1000));
  const scrobbledAt = performance.now();
  while (songs().includes(heard) && performance.now() - scrobbledAt < (PERIOD + 60) * 1000) await new Promise((r) => setTimeout(r, 50));
  const latency = (performance.now() - scrobbledAt) / 1000;
  controller.abort();
  await daemon;
  const folded = await withStore(store, (s) => s.scalar<number>("SELECT count(*) FROM plays WHERE source = 'listenbrainz' AND played_at > current_timestamp::TIMESTAMP - INTERVAL 1 HOUR"));
  const bound = PERIOD + Math.max(first, again);
  console.log(`freshness: listen submitted to ListenBrainz → gone from the Navidrome playlist after ${latency.toFixed(2)} s (bound: period ${PERIOD} s + run ${Math.max(first, again).toFixed(2)} s = ${bound.toFixed(2)} s) ${latency <= bound ? 'OK' : 'OVER'}; ${folded} ListenBrainz play of the last hour stored, ${runs} scheduled runs`);
  console.log(`goal daily ≤ 10 s on ${plays} plays: ${Math.max(first, again) <= 10 ? 'met' : 'missed'}; reference sort of 1M floats ${ref.toFixed(3)} s; ${cpus().length} cores ${cpus()[0]?.model ?? ''}, Node ${process.version}`);
} finally {
  await subsonic.stop();
  await listenbrainz.stop();
  rmSync(dir, { recursive: true, force: true });
}
