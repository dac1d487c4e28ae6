import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixtape } from './test/run-cli.js';
import { demoExport } from '@mixtape/fixtures';


describe('mixtape CLI (built)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-cli-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports with a --json summary, then nothing twice', async () => {
    const first = await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], env);
    expect(first.code).toBe(0);
    const s = JSON.parse(first.stdout) as { inserted: number; duplicates: number; folded: number; rowsRead: number };
    expect(s.inserted).toBeGreaterThan(3000);
    const second = JSON.parse((await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], env)).stdout) as typeof s;
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
    const s = JSON.parse(r.stdout) as { tables: Array<{ table: string; rows: number }>; runs: unknown[] };
    expect(s.tables.find((t) => t.table === 'plays')?.rows).toBe(4002);
    expect(s.runs.length).toBe(2);
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

  it('runs the demo offline into a temporary data dir', async () => {
    const r = await mixtape(['demo', '--json'], {});
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { plays: number; steps: Array<{ step: string }> };
    expect(d.plays).toBeGreaterThan(4000);
    expect(d.steps.map((s) => s.step)).toContain('import spotify-export');
  });
});
