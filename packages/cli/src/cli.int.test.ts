import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, mixtape } from './test/run-cli.js';
import { demoExport } from '@mixtape/fixtures';


describe('mixtape CLI (built)', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-cli-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
    // The store the read-only tests below look at, whatever order they run in.
    const imported = await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], env);
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports with a --json summary, then nothing twice', async () => {
    const own = { ...env, MIXTAPE_DATA_DIR: join(dir, 'import-twice') };
    const first = await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], own);
    expect(first.code).toBe(0);
    const s = JSON.parse(first.stdout) as { inserted: number; duplicates: number; folded: number; rowsRead: number };
    expect(s.inserted).toBeGreaterThan(3000);
    const second = JSON.parse((await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], own)).stdout) as typeof s;
    expect(second.inserted).toBe(0);
    expect(second.duplicates + second.folded).toBe(s.rowsRead);
  });

  it('answers queries as JSON and CSV, and refuses writes', async () => {
    const json = await mixtape(['query', "SELECT kind, count(*) AS n FROM plays GROUP BY kind ORDER BY kind", '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual([{ kind: 'episode', n: 2 }, { kind: 'track', n: 4000 }]);
    const csv = await mixtape(['query', "SELECT 'a,b' AS x, 1 AS y", '--csv'], env);
    expect(csv.stdout).toBe('x,y\n"a,b",1\n');
    const bad = await mixtape(['query', 'DELETE FROM plays'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('read-only SQL');
  });

  it('prints one line and exits non-zero on bad input, without a stack', async () => {
    await writeFile(join(dir, 'odd.csv'), 'Never,Gonna,Give,You,Up\n');
    const r = await mixtape(['import', 'scrobbles', join(dir, 'odd.csv')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: odd\.csv: unknown scrobble file layout/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows status as JSON', async () => {
    const r = await mixtape(['status', '--json'], env);
    const s = JSON.parse(r.stdout) as { tables: Array<{ table: string; rows: number }>; runs: Array<{ job: string; status: string }> };
    expect(s.tables.find((t) => t.table === 'plays')?.rows).toBe(4002);
    expect(s.runs.filter((x) => x.job.startsWith('import'))).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('names a file-size limit as such wherever a write meets it, not as an internal error', async () => {
    const out = join(dir, 'plays.csv');
    const r = await mixtape(['export', 'table', 'plays', '--format', 'csv', '--out', out], env, { fileSizeLimitKib: 64 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: Writing \S+ went past this shell's file-size limit \(ulimit -f\)\nTry: raise the limit \(ulimit -f unlimited\) and run the command again\n$/);
    const fresh = join(dir, 'fresh');
    const open = await mixtape(['status', '--json'], { ...env, MIXTAPE_DATA_DIR: fresh }, { fileSizeLimitKib: 4 });
    expect(JSON.parse(open.stdout)).toMatchObject({ error: { code: 'file_too_large', message: `Writing ${join(fresh, 'mixtape.duckdb')} went past this shell's file-size limit (ulimit -f)` } });
  });

  it('runs the demo offline into a temporary data dir, removed afterwards', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const r = await mixtape(['demo', '--json'], { TMPDIR: tmp });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { plays: number; steps: Array<{ step: string }>; dataDir: string; kept: boolean };
    expect(d.plays).toBeGreaterThan(4000);
    expect(d.steps.map((s) => s.step)).toContain('import spotify-export');
    expect(d).toMatchObject({ kept: false, dataDir: expect.stringContaining(tmp) });
    expect(await readdir(tmp)).toEqual([]);
  });

  it('keeps the demo with --keep, and its hint leads to picks that only the federation gives', async () => {
    const kept = join(dir, 'kept-demo');
    const r = await mixtape(['demo', '--keep', kept], {});
    expect(r.code, r.stderr).toBe(0);
    const hint = r.stdout.match(/^data dir: (\S+) \(try: export (.+?); mixtape status; mixtape recommend\)$/m);
    expect(hint?.[1]).toBe(kept);
    const exported = Object.fromEntries(hint![2]!.split(' ').map((a) => a.split('=') as [string, string]));
    expect(exported).toEqual({ MIXTAPE_DATA_DIR: kept, MIXTAPE_CONFIG_DIR: kept });
    type Picks = { federation: { version: number } | null; tracks: Array<{ track_id: string; source: string; reason: string }> };
    const picks = async (e: Record<string, string>) => {
      const out = await mixtape(['recommend', '--count', '30', '--seed', '1', '--json'], e);
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as Picks;
    };
    // The same store and seed with no federation folder: the listener's own model alone.
    const alone = await picks({ MIXTAPE_DATA_DIR: kept, MIXTAPE_CONFIG_DIR: join(dir, 'no-federation') });
    expect(alone.federation).toBeNull();
    expect(alone.tracks.every((t) => t.source === 'personal')).toBe(true);
    const blended = await picks(exported);
    expect(blended.federation?.version).toBe(2);
    // Both rounds were securely aggregated: the listener's epsilon holds against the hub too.
    const ledger = await mixtape(['federation', 'status', '--json'], exported);
    expect(ledger.code, ledger.stderr).toBe(0);
    const st = JSON.parse(ledger.stdout) as { rounds: number; securelyAggregated: number; epsilon: number; epsilonVsHub: number };
    expect(st).toMatchObject({ rounds: 2, securelyAggregated: 2 });
    expect(st.epsilon).toBeCloseTo(8, 6);
    expect(st.epsilonVsHub).toBeCloseTo(st.epsilon, 9);
    const fromFederation = blended.tracks.filter((t) => t.source === 'federation');
    for (const t of fromFederation) expect(t.reason).toMatch(/^listeners with your taste play \S/);
    const own = new Set(alone.tracks.map((t) => t.track_id));
    expect(fromFederation.filter((t) => !own.has(t.track_id)).length).toBeGreaterThanOrEqual(3);

    // The demo's enrichment (Last.fm tags and similar artists) as a hub's public features and vocabulary.
    const features = join(dir, 'hub-features.tsv');
    const vocabulary = join(dir, 'hub-vocabulary.tsv');
    const f = await mixtape(['federation', 'features', '--out', features, '--vocabulary-out', vocabulary, '--json'], exported);
    expect(f.code, f.stderr).toBe(0);
    // The demo listener's 36 artists, each with Last.fm tags and similar artists among the 36.
    expect(JSON.parse(f.stdout)).toEqual({ out: features, items: 36, withTags: 36, withSimilar: 36, rows: 252, vocabularyOut: { path: vocabulary, items: 36 } });
    const lines = (await readFile(features, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('item\tfeature\tweight');
    expect(lines.slice(1).filter((l) => !/^artist:[^\t]+\t(tag|similar:artist):[^\t]+\t[\d.]+$/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes('\tsimilar:artist:'))).toHaveLength(180);
    const vocabLines = (await readFile(vocabulary, 'utf8')).trim().split('\n');
    expect(vocabLines).toHaveLength(37);
    expect(vocabLines[1]).toBe('artist:amber engines\tAmber Engines');
    const both = await mixtape(['federation', 'features', '--out', features, '--vocabulary', vocabulary, '--vocabulary-out', vocabulary], exported);
    expect(both.code).toBe(2);
  });

  it('removes the demo data dir when the demo fails', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const r = await mixtape(['demo', '--json'], { TMPDIR: tmp, MIXTAPE_DB_MEMORY_LIMIT: 'lots' });
    expect(r.code).toBe(1);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('removes the demo data dir when the demo is stopped', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const child = spawn(process.execPath, [BIN, 'demo'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
    // Stop it once the store exists, in the middle of the imports.
    const started = Date.now();
    const demoDir = async () => (await readdir(tmp)).find((n) => n.startsWith('mixtape-demo-'));
    for (;;) {
      const d = await demoDir();
      if (d && existsSync(join(tmp, d, 'mixtape.duckdb'))) break;
      expect(Date.now() - started).toBeLessThan(60_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    // It dies of the signal, as it would have without the handler, and says nothing.
    expect({ ...(await exited), stderr }).toEqual({ code: null, signal: 'SIGTERM', stderr: '' });
    expect(await demoDir()).toBeUndefined();
  });

  it('shows every configured service and where its credentials come from, never a secret', async () => {
    const secrets = { LASTFM_API_KEY: 'lfm-s3cret', LISTENBRAINZ_TOKEN: 'lb-s3cret', SUBSONIC_URL: 'http://me:pw-s3cret@127.0.0.1:4533/', SUBSONIC_USER: 'me', SUBSONIC_PASSWORD: 'pw-s3cret' };
    // Empty counts as unset: the tests' own environment cannot leak in.
    const unset = { SPOTIFY_ACCESS_TOKEN: '', DEEZER_ACCESS_TOKEN: '', ...Object.fromEntries(Object.keys(secrets).map((k) => [k, ''])) };
    const json = await mixtape(['auth', 'status', '--json'], { ...env, ...unset, ...secrets });
    expect(JSON.parse(json.stdout)).toMatchObject({
      spotify: { loggedIn: false },
      lastfm: { configured: true, via: 'environment', set: ['LASTFM_API_KEY'] },
      listenbrainz: { configured: true, via: 'environment', set: ['LISTENBRAINZ_TOKEN'] },
      subsonic: { configured: true, set: ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD'], server: 'http://127.0.0.1:4533' },
      deezer: { configured: false, missing: ['DEEZER_ACCESS_TOKEN'] },
    });
    const text = await mixtape(['auth', 'status'], { ...env, ...unset, LASTFM_API_KEY: 'lfm-s3cret', SUBSONIC_URL: secrets.SUBSONIC_URL });
    expect(text.stdout).toMatch(/^lastfm: configured from the environment \(LASTFM_API_KEY\)/m);
    expect(text.stdout).toMatch(/^subsonic: incomplete: SUBSONIC_URL set, server http:\/\/127\.0\.0\.1:4533, missing SUBSONIC_USER, SUBSONIC_PASSWORD$/m);
    expect(json.stdout + json.stderr + text.stdout + text.stderr).not.toMatch(/s3cret/);
  });

  it('prints its version as JSON', async () => {
    const r = await mixtape(['--version', '--json'], {});
    expect(JSON.parse(r.stdout)).toEqual({ version: '0.1.0', node: process.versions.node, platform: process.platform, arch: process.arch });
    expect((await mixtape(['--version'], {})).stdout).toMatch(/^@mixtape\/cli\/0\.1\.0 /);
  });
});
