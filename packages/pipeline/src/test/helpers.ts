import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoExport } from '@mixtape/fixtures';
import { importSpotifyExport } from '../import/spotify-export.js';
import { Store, withStore } from '../store/store.js';

/** A fresh in-memory store; close it in afterEach. */
export function memoryStore(): Promise<Store> {
  return Store.open({ dataDir: ':memory:' });
}

/** A temp folder removed by the returned cleanup. */
export async function tempDir(prefix = 'mixtape-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Counts music plays and their ms_played as a conformance check would. */
export async function musicTotals(store: Store): Promise<{ plays: number; distinct: number; ms: number }> {
  const row = await store.one<{ plays: number; distinct: number; ms: number }>(`
SELECT count(*) AS plays, count(DISTINCT (played_at, track_id)) AS "distinct", coalesce(sum(ms_played), 0) AS ms
FROM plays WHERE kind = 'track'`);
  return row!;
}

/** A temp data dir holding the demo listener's Spotify export, imported. */
export async function demoDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const t = await tempDir();
  await writeFile(join(t.dir, 'export.zip'), demoExport().zip);
  await withStore({ dataDir: t.dir }, (store) => importSpotifyExport(store, join(t.dir, 'export.zip')));
  return t;
}

/** An extended streaming history of `n` plays of 5,000 tracks, pretty-printed as Spotify writes it (about 500 bytes a play). */
export function extendedHistory(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => ({
    ts: new Date(Date.UTC(2020, 0, 1) + i * 240_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    platform: 'android', ms_played: 180_000 + (i % 7), conn_country: 'NL', ip_addr: '192.0.2.1',
    master_metadata_track_name: `Song ${i % 5000}`, master_metadata_album_artist_name: `Artist ${i % 300}`, master_metadata_album_album_name: `Album ${i % 900}`,
    spotify_track_uri: `spotify:track:${String(i % 5000).padStart(22, '0')}`, episode_name: null, episode_show_name: null, spotify_episode_uri: null,
    reason_start: 'trackdone', reason_end: 'trackdone', shuffle: false, skipped: false, offline: false, offline_timestamp: 1_700_000_000, incognito_mode: false,
  }));
  return Buffer.from(JSON.stringify(rows, null, 2));
}

/** The built CLI (the pipeline's kill tests drive the real command). */
export const CLI = join(fileURLToPath(new URL('.', import.meta.url)), '../../../cli/bin/run.js');

/** When and how a test kills the CLI: `signal` (default SIGKILL) after `afterMs`, or as soon as `when()` holds (polled every 5 ms). */
export interface KillPlan {
  signal?: NodeJS.Signals;
  afterMs?: number;
  when?: () => boolean;
}

/** Runs the built CLI, killed as `kill` says (a number: SIGKILL after that many ms); resolves with how it ended and its output. */
export function runCli(args: string[], env: Record<string, string>, kill?: number | KillPlan): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const plan: KillPlan | undefined = typeof kill === 'number' ? { afterMs: kill } : kill;
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = plan?.signal ?? 'SIGKILL';
    const timer = plan?.afterMs !== undefined ? setTimeout(() => child.kill(signal), plan.afterMs) : undefined;
    const poll = plan?.when
      ? setInterval(() => {
          if (!plan.when!()) return;
          clearInterval(poll);
          child.kill(signal);
        }, 5)
      : undefined;
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, signal: sig, stdout, stderr });
    });
  });
}

/**
 * Fills a store with `n` synthetic music plays over eight years (20,000 tracks by 2,000 artists,
 * some skipped, short or incognito) straight in SQL: a big history in seconds, for the report's
 * size and speed checks.
 */
export async function syntheticHistory(store: Store, n: number): Promise<void> {
  await store.run(`INSERT INTO artists SELECT 'a' || i, 'Artist ' || i, 'artist ' || i, NULL, NULL, NULL FROM range(2000) r(i)`);
  await store.run(`INSERT INTO tracks (track_id, kind, title, artist_name, album_name, duration_ms, artist_id)
    SELECT 't' || i, 'track', 'Song ' || i, 'Artist ' || (i % 2000), 'Album ' || (i % 5000), 200000, 'a' || (i % 2000) FROM range(20000) r(i)`);
  await store.run(`INSERT INTO artist_tags SELECT 'a' || i, ['rock', 'jazz', 'pop', 'folk', 'house', 'soul'][1 + i % 6], 1, 'lastfm' FROM range(2000) r(i)`);
  // Skewed track choice (i*i mod a prime) so that tops are not all ties; one play every ~4 minutes.
  await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source, skipped, reason_end, incognito)
    SELECT TIMESTAMP '2018-01-01' + to_seconds(i * 250 + (i * 7919) % 97), 't' || ((i * i) % 19997 % 20000 * (1 + i % 3) % 20000), 'track',
      CASE WHEN i % 11 = 0 THEN 12000 ELSE 150000 + i % 90000 END, CASE WHEN i % 5 = 0 THEN 'lastfm' ELSE 'spotify' END,
      i % 11 = 0, CASE WHEN i % 11 = 0 THEN 'fwdbtn' ELSE 'trackdone' END, i % 97 = 0
    FROM range($1::BIGINT) r(i)`, [n]);
}
