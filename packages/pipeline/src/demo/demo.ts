import { copyFile, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noProgress, type ProgressFn } from '@mixtape/core';
import { enrichTracks } from '../enrich/enrich.js';
import { importScrobbles } from '../import/scrobbles.js';
import { importSpotifyExport } from '../import/spotify-export.js';
import { recordFeedback } from '../personal/feedback.js';
import { recommendPersonal, type RecommendedTrack } from '../personal/recommend.js';
import { trainPersonal } from '../personal/train.js';
import { writeRecommendations } from '../personal/write-out.js';
import { ensurePrivateDir, removeTemporaryDirSync } from '../store/private-dir.js';
import { loadDemoAssets, type DemoAssets } from './assets.js';
import { runDemoFederation } from './federation.js';
import { RecordedLastfm } from './recorded-lastfm.js';
import { withStore } from '../store/store.js';

export interface DemoStep {
  step: string;
  detail: string;
  ms: number;
}

export interface DemoResult {
  dataDir: string;
  /** False when the data dir was a temporary one, removed before returning. */
  kept: boolean;
  steps: DemoStep[];
  topArtists: Array<{ artist: string; plays: number; hours: number }>;
  plays: number;
  tracks: number;
  recommendations: RecommendedTrack[];
  /** Picks after joining the demo's federation, pulling its model and recommending again. */
  federated: { listeners: number; epsilon: number; epsilonVsHub: number; weight: number | null; picks: RecommendedTrack[] };
  files: string[];
}

/**
 * Runs `fn` in a fresh temporary folder and removes it afterwards: on success, on failure, and on
 * Ctrl-C or SIGTERM (after which the process ends by the same signal, as it would have).
 */
async function inTemporaryDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-demo-'));
  const remove = () => removeTemporaryDirSync(dir, "the demo's");
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  function stopListening() {
    for (const s of signals) process.off(s, onSignal);
  }
  function onSignal(signal: NodeJS.Signals) {
    remove();
    stopListening();
    process.kill(process.pid, signal);
  }
  for (const s of signals) process.once(s, onSignal);
  try {
    return await fn(dir);
  } finally {
    stopListening();
    remove();
  }
}

/**
 * The whole pipeline, offline, on the demo listener the build ships (`assets`, see assets.ts):
 * copies their Spotify export zip and Last.fm CSV into a fresh data dir, imports both, and reports
 * what came out. A temporary data dir is removed at the end; one given as `dataDir` (`--keep`) stays.
 */
export async function runDemo(options: { assets: string; dataDir?: string; onProgress?: ProgressFn }): Promise<DemoResult> {
  const progress = options.onProgress ?? noProgress;
  const assets = loadDemoAssets(options.assets);
  if (options.dataDir === undefined) return inTemporaryDir((dir) => demoIn(dir, assets, progress, false));
  ensurePrivateDir(options.dataDir);
  return demoIn(options.dataDir, assets, progress, true);
}

async function demoIn(dir: string, assets: DemoAssets, progress: ProgressFn, kept: boolean): Promise<DemoResult> {
  const steps: DemoStep[] = [];
  const time = async <T>(step: string, fn: () => Promise<T>, detail: (v: T) => string): Promise<T> => {
    progress({ unit: 'steps', done: steps.length, message: step });
    const t = Date.now();
    const v = await fn();
    steps.push({ step, detail: detail(v), ms: Date.now() - t });
    return v;
  };
  await time('make demo export', async () => {
    await copyFile(assets.exportZip, join(dir, 'my_spotify_data.zip'));
    await copyFile(assets.scrobblesCsv, join(dir, 'lastfm-export.csv'));
    return stat(assets.exportZip);
  }, (z) => `my_spotify_data.zip (${(z.size / 1024).toFixed(0)} KiB) and lastfm-export.csv in ${dir}`);

  const summary = await withStore({ dataDir: dir }, async (store) => {
    await time('import spotify-export', () => importSpotifyExport(store, join(dir, 'my_spotify_data.zip')),
      (s) => `${s.rowsRead} rows: ${s.inserted} plays, ${s.duplicates} duplicates, ${s.upgraded} upgraded; ${s.library.read} library items; ${s.playlists.playlists} playlists`);
    await time('import scrobbles', () => importScrobbles(store, join(dir, 'lastfm-export.csv')),
      (s) => `${s.rowsRead} scrobbles (${s.format}): ${s.inserted} plays`);
    await time('import spotify-export again', () => importSpotifyExport(store, join(dir, 'my_spotify_data.zip')),
      (s) => `${s.inserted} new plays (nothing twice)`);
    // Enrichment answers come from Last.fm's recorded answers about the demo catalogue; they are
    // cached like any other, so the second pass asks nothing.
    const answers = new RecordedLastfm(assets.lastfmAnswers);
    const env = { LASTFM_API_KEY: 'demo' };
    await time('enrich (Last.fm tags, similar)', () => enrichTracks({ store, env, sources: ['lastfm'], clients: { lastfm: answers } }),
      (e) => `${e.sources.lastfm?.enriched ?? 0} of ${e.sources.lastfm?.tracks ?? 0} tracks, ${answers.stats.requests} requests`);
    const before = answers.stats.requests;
    await time('enrich again', () => enrichTracks({ store, env, sources: ['lastfm'], clients: { lastfm: answers } }), () => `${answers.stats.requests - before} requests (all cached)`);
    const topArtists = await store.all<{ artist: string; plays: number; hours: number }>(`
SELECT t.artist_name AS artist, count(*) AS plays, round(sum(coalesce(p.ms_played, t.duration_ms, 0)) / 3600000.0, 1) AS hours
FROM plays p JOIN tracks t USING (track_id) WHERE p.kind = 'track' AND NOT coalesce(p.skipped, false)
GROUP BY 1 ORDER BY plays DESC LIMIT 5`);
    const plays = Number(await store.scalar('SELECT count(*) FROM plays'));
    const tracks = Number(await store.scalar('SELECT count(*) FROM tracks'));
    return { topArtists, plays, tracks };
  });
  const store = { dataDir: dir };
  // The demo listener has a federation folder of their own (empty): the user's pulled model stays out of it.
  const stateDir = join(dir, 'federation');
  await time('train', () => trainPersonal({ store, dataDir: dir, quantize: 'int8', seed: 42 }),
    (s) => `${s.items} tracks, ${s.stats.plays} plays (${s.stats.skips} skips) in ${s.fitSeconds.toFixed(1)} s, settings: ${s.settings.chosen} (chosen on the listener's held-out plays); int8 keeps ${(s.quantization!.topKOverlap * 100).toFixed(0)} % of the float32 top 10`);
  const first = await time('recommend', () => recommendPersonal({ store, count: 30, explore: 0.25, seed: 7, stateDir }),
    (r) => `${r.tracks.length} picks: ${r.tracks.filter((t) => t.arm === 'new').length} new to you, ${new Set(r.tracks.map((t) => t.artist)).size} artists`);
  const banned = first.tracks[0]!;
  await time('feedback', async () => recordFeedback({ store, track: banned.track_id, kind: 'ban' }),
    (f) => `banned "${f.title}": vector updated in ${f.updateMs} ms without retraining`);
  await time('recommend again', () => recommendPersonal({ store, count: 30, explore: 0.25, seed: 7, stateDir }),
    (r) => `${r.tracks.some((t) => t.track_id === banned.track_id) ? 'STILL has' : 'no longer has'} the banned track`);
  const fed = await time('federation', () =>
      // Its rounds take most of the demo's time: say which one is running.
      runDemoFederation(dir, assets.federation, (r, n) => progress({ unit: 'steps', done: steps.length, message: `federation: securely aggregated round ${r} of ${n}` })),
    (f) =>
      `${f.listeners} listeners (you and ${f.listeners - 1} made-up ones) over ${f.rounds} securely aggregated rounds on a loopback hub; you spent epsilon ${f.epsilon.toFixed(2)}, ${
        f.epsilonVsHub <= f.epsilon + 1e-9 ? 'against the hub too (it saw only noised sums)' : `against the hub itself ${f.epsilonVsHub.toFixed(2)}`
      }`,
  );
  const withFed = await time('recommend with the federation', () => recommendPersonal({ store, count: 30, explore: 0.25, seed: 7, stateDir: fed.stateDir }),
    (r) => {
      const from = r.tracks.filter((t) => t.source === 'federation');
      return `${from.length} of ${r.tracks.length} picks from listeners with your taste (blend weight ${r.federation?.weight ?? '-'})${from[0] ? `, e.g. ${from[0].artist ?? '?'} - ${from[0].title}: ${from[0].reason}` : ''}`;
    });
  const files = await time('write playlists', async () => {
    const out: string[] = [];
    for (const ext of ['m3u8', 'xspf', 'jspf', 'csv']) {
      const f = join(dir, `mixtape-picks.${ext}`);
      await writeRecommendations(store, f);
      out.push(f);
    }
    return out;
  }, (f) => f.map((x) => x.slice(dir.length + 1)).join(', '));
  const federated = { listeners: fed.listeners, epsilon: fed.epsilon, epsilonVsHub: fed.epsilonVsHub, weight: withFed.federation?.weight ?? null, picks: withFed.tracks.filter((t) => t.source === 'federation') };
  return { dataDir: dir, kept, steps, ...summary, recommendations: withFed.tracks, federated, files };
}
