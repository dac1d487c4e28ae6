import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { mixtape } from './test/run-cli.js';

/** Every path under `dir` with its mode and, for files, a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const st = statSync(p);
    out[name] = `${(st.mode & 0o777).toString(8)} ${st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'dir'}`;
  }
  return out;
}

// The store of a fresh data dir, made under the usual umask 022 (the children inherit it).
describe('the store on disk (built CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let elsewhere: string;
  let env: Record<string, string>;
  let umask: number;
  beforeAll(async () => {
    umask = process.umask(0o022);
    dir = await mkdtemp(join(tmpdir(), 'mixtape-store-'));
    chmodSync(dir, 0o755);
    data = join(dir, 'data');
    elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    env = { MIXTAPE_DATA_DIR: data, MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    writeFileSync(join(dir, 'export.zip'), demoExport().zip);
    const r = await mixtape(['import', 'spotify-export', join(dir, 'export.zip')], env);
    expect(r.code, r.stderr).toBe(0);
    // Progress is for terminals: nothing on a pipe.
    expect(r.stderr).toBe('');
  });
  afterAll(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the history to its owner: data dir 0700, every file in it 0600', () => {
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'mixtape.duckdb')).mode & 0o777).toBe(0o600);
    for (const [name, entry] of Object.entries(snapshot(data))) expect(`${name} ${entry}`).toMatch(/^\S+ [67]00 /);
  });

  it('tightens a data dir and database left world-readable by an older version', async () => {
    const old = join(dir, 'old');
    expect((await mixtape(['status', '--json', '--data-dir', old], {})).code).toBe(0);
    chmodSync(old, 0o755);
    chmodSync(join(old, 'mixtape.duckdb'), 0o644);
    expect((await mixtape(['status', '--json', '--data-dir', old], {})).code).toBe(0);
    expect(statSync(old).mode & 0o777).toBe(0o700);
    expect(statSync(join(old, 'mixtape.duckdb')).mode & 0o777).toBe(0o600);
  });

  // The two cases of the issue; the rest of the refused statements are in pipeline's query.test.ts.
  it('query writes nothing: not the database, not a file anywhere', async () => {
    const db = join(data, 'mixtape.duckdb');
    const before = { data: snapshot(data), elsewhere: snapshot(elsewhere) };
    for (const sql of [`SELECT 1; COPY (SELECT 'x') TO '${db}' (FORMAT csv)`, `SELECT 1; COPY plays TO '${join(elsewhere, 'plays.csv')}'`]) {
      const r = await mixtape(['query', sql, '--json'], env);
      expect(r.code, sql).toBe(1);
      expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code, sql).toBe('read_only_query');
    }
    const ok = await mixtape(['query', 'SELECT count(*) AS n FROM plays', '--json'], env);
    expect(JSON.parse(ok.stdout)).toEqual([{ n: 4002 }]);
    expect({ data: snapshot(data), elsewhere: snapshot(elsewhere) }).toEqual(before);
  });

  it('query never creates a database', async () => {
    const nowhere = join(dir, 'no-such-data');
    const r = await mixtape(['query', 'SELECT 1', '--json', '--data-dir', nowhere], {});
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('no_database');
    expect(existsSync(nowhere)).toBe(false);
  });

  it('fails at once on a data dir under /proc instead of spinning', async () => {
    const r = await mixtape(['status', '--json', '--data-dir', '/proc/nope'], {}, 60_000);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'data_dir_unusable', message: expect.stringContaining('/proc/nope') } });
  });

  it('records when an import started and when it finished', async () => {
    const runs = await mixtape(['query', "SELECT epoch_ms(started_at) AS s, epoch_ms(finished_at) AS f, summary FROM runs WHERE job = 'import spotify-export'", '--json'], env);
    const [run] = JSON.parse(runs.stdout) as Array<{ s: number; f: number; summary: string }>;
    const took = (JSON.parse(run!.summary) as { durationMs: number }).durationMs;
    expect(run!.f - run!.s).toBeGreaterThanOrEqual(took);
  });

  it('stores UTC whatever the time zone of the machine', async () => {
    const file = join(dir, 'Streaming_History_Audio_2024.json');
    writeFileSync(file, JSON.stringify([{ ts: '2024-01-01T10:03:41Z', ms_played: 180000, master_metadata_track_name: 'Song', master_metadata_album_artist_name: 'Band', master_metadata_album_album_name: 'Album', spotify_track_uri: 'spotify:track:1' }]));
    const kiribati = { MIXTAPE_DATA_DIR: join(dir, 'utc+14'), TZ: 'Pacific/Kiritimati' };
    const t = Date.now();
    expect((await mixtape(['import', 'spotify-export', file], kiribati)).code).toBe(0);
    const r = await mixtape(['query', 'SELECT played_at, epoch_ms(r.finished_at) AS f FROM plays, runs r', '--json'], kiribati);
    const [row] = JSON.parse(r.stdout) as Array<{ played_at: string; f: number }>;
    expect(row!.played_at).toBe('2024-01-01T10:03:41.000Z');
    expect(Math.abs(row!.f - t)).toBeLessThan(5 * 60_000);
  });
});
