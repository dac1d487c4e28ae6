/**
 * Import benchmark (issue 2): N extended-history rows built by replicating and shifting the real
 * ones in ../shared/data/spotify-export/person-2, imported by `importSpotifyExport`, side by side
 * with the floor: DuckDB's own read_json of the same files into a table. Each side runs in its own
 * process so peak memory (max RSS) is its own.
 *
 *   npx tsx bench/import.ts [rows=1000000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const SRC = resolve(here, '../../../shared/data/spotify-export/person-2/Spotify Extended Streaming History');

async function child(mode: string, dir: string): Promise<void> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
  const t = performance.now();
  let rows = 0;
  if (mode === 'mixtape') {
    const { Store, importSpotifyExport } = await import('@mixtape/pipeline');
    const store = await Store.open({ dataDir: join(dir, 'mixtape') });
    const s = await importSpotifyExport(store, dir);
    rows = s.inserted;
    await store.checkpoint();
    store.close();
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(join(dir, 'floor.duckdb'));
    const c = await db.connect();
    const list = files.map((f) => `'${f}'`).join(',');
    await c.run(`CREATE TABLE t AS SELECT * FROM read_json([${list}], format = 'array', filename = true)`);
    rows = Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
    await c.run('CHECKPOINT');
    c.closeSync();
    db.closeSync();
  }
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ mode, rows, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 1_000_000);
  const base: Array<Record<string, unknown>> = [];
  for (const f of readdirSync(SRC).filter((n) => n.endsWith('.json'))) base.push(...(JSON.parse(readFileSync(join(SRC, f), 'utf8')) as Array<Record<string, unknown>>));
  const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-import-'));
  try {
    // Copy k shifts the timestamps by k days, so every copy is a new set of listens.
    const perFile = 50_000;
    let made = 0;
    let file = 0;
    let buf: unknown[] = [];
    for (let k = 0; made < target; k++) {
      for (const r of base) {
        if (made >= target) break;
        const ts = new Date(Date.parse(String(r.ts)) + k * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        buf.push({ ...r, ts });
        made++;
        if (buf.length === perFile) {
          writeFileSync(join(dir, `Streaming_History_Audio_${file++}.json`), JSON.stringify(buf));
          buf = [];
        }
      }
    }
    if (buf.length) writeFileSync(join(dir, `Streaming_History_Audio_${file++}.json`), JSON.stringify(buf));
    const results: Record<string, { rows: number; ms: number; maxRssMb: number }> = {};
    for (const mode of ['floor', 'mixtape']) {
      const out = execFileSync(process.execPath, [...process.execArgv, here, '--child', mode, dir], { maxBuffer: 1 << 20 }).toString();
      results[mode] = JSON.parse(out);
      rmSync(join(dir, mode === 'floor' ? 'floor.duckdb' : 'mixtape'), { recursive: true, force: true });
    }
    const f = results.floor!;
    const m = results.mixtape!;
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
    console.log(`rows: ${made.toLocaleString('en-US')} in ${file} files`);
    console.log(`floor (DuckDB read_json into a table): ${(f.ms / 1000).toFixed(2)} s, peak RSS ${f.maxRssMb.toFixed(0)} MB`);
    console.log(`mixtape import spotify-export:        ${(m.ms / 1000).toFixed(2)} s, peak RSS ${m.maxRssMb.toFixed(0)} MB, ${m.rows.toLocaleString('en-US')} plays`);
    console.log(`ratio mixtape / floor: ${(m.ms / f.ms).toFixed(2)}x (goal <= 2x, peak < 1 GB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
