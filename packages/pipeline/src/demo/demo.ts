import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noProgress, type ProgressFn } from '@mixtape/core';
import { demoExport } from '@mixtape/fixtures';
import { importScrobbles } from '../import/scrobbles.js';
import { importSpotifyExport } from '../import/spotify-export.js';
import { withStore } from '../store/store.js';

export interface DemoStep {
  step: string;
  detail: string;
  ms: number;
}

export interface DemoResult {
  dataDir: string;
  steps: DemoStep[];
  topArtists: Array<{ artist: string; plays: number; hours: number }>;
  plays: number;
  tracks: number;
}

/**
 * The whole pipeline, offline, on the demo listener made by fixtures/: writes their Spotify export
 * zip and Last.fm CSV into a fresh data dir, imports both, and reports what came out.
 */
export async function runDemo(options: { dataDir?: string; onProgress?: ProgressFn } = {}): Promise<DemoResult> {
  const progress = options.onProgress ?? noProgress;
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mixtape-demo-')));
  await mkdir(dir, { recursive: true });
  const steps: DemoStep[] = [];
  const time = async <T>(step: string, fn: () => Promise<T>, detail: (v: T) => string): Promise<T> => {
    progress({ unit: 'steps', done: steps.length, message: step });
    const t = Date.now();
    const v = await fn();
    steps.push({ step, detail: detail(v), ms: Date.now() - t });
    return v;
  };
  const demo = await time('make demo export', async () => {
    const d = demoExport();
    await writeFile(join(dir, 'my_spotify_data.zip'), d.zip);
    await writeFile(join(dir, 'lastfm-export.csv'), d.scrobblesCsv);
    return d;
  }, (d) => `my_spotify_data.zip (${(d.zip.length / 1024).toFixed(0)} KiB) and lastfm-export.csv in ${dir}`);

  return withStore({ dataDir: dir }, async (store) => {
    await time('import spotify-export', () => importSpotifyExport(store, join(dir, 'my_spotify_data.zip')),
      (s) => `${s.rowsRead} rows: ${s.inserted} plays, ${s.duplicates} duplicates, ${s.upgraded} upgraded; ${s.library.read} library items; ${s.playlists.playlists} playlists`);
    await time('import scrobbles', () => importScrobbles(store, join(dir, 'lastfm-export.csv')),
      (s) => `${s.rowsRead} scrobbles (${s.format}): ${s.inserted} plays`);
    const again = await time('import spotify-export again', () => importSpotifyExport(store, join(dir, 'my_spotify_data.zip')),
      (s) => `${s.inserted} new plays (nothing twice)`);
    void again;
    const topArtists = await store.all<{ artist: string; plays: number; hours: number }>(`
SELECT t.artist_name AS artist, count(*) AS plays, round(sum(coalesce(p.ms_played, t.duration_ms, 0)) / 3600000.0, 1) AS hours
FROM plays p JOIN tracks t USING (track_id) WHERE p.kind = 'track' AND NOT coalesce(p.skipped, false)
GROUP BY 1 ORDER BY plays DESC LIMIT 5`);
    const plays = Number(await store.scalar('SELECT count(*) FROM plays'));
    const tracks = Number(await store.scalar('SELECT count(*) FROM tracks'));
    void demo;
    return { dataDir: dir, steps, topArtists, plays, tracks };
  });
}
