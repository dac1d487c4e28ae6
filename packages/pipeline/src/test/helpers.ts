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

/** The built CLI (the pipeline's kill tests drive the real command). */
export const CLI = join(fileURLToPath(new URL('.', import.meta.url)), '../../../cli/bin/run.js');

/** Runs the built CLI, SIGKILLed after `killAfterMs` when given; resolves with how it ended and its stdout. */
export function runCli(args: string[], env: Record<string, string>, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({ code, signal, stdout });
    });
  });
}
