/**
 * ListenBrainz export import (issue 15): N listens built from the two real ones in
 * ../shared/data/api-samples/listenbrainz/listenbrainz-server (names varied over 5,000 tracks, one
 * listen every 4 minutes, fractional times), in monthly `listens/YYYY/M.jsonl` files of a zip,
 * imported by `importListenBrainzZip` into a fresh store; the floor is DuckDB's own read_json of the
 * same jsonl files (unzipped) into a table, in the same run.
 *
 *   npx tsx bench/listenbrainz-zip.ts [listens=100000]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeZip } from '@mixtape/fixtures';
import { importListenBrainzZip, Store } from '@mixtape/pipeline';

const n = Number(process.argv[2] ?? 100_000);
const SAMPLE = resolve(fileURLToPath(import.meta.url), '../../../shared/data/api-samples/listenbrainz/listenbrainz-server/listenbrainz_listens.jsonl');
const real = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { listened_at: number; track_metadata: Record<string, unknown> });

const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-lb-'));
try {
  const months = new Map<string, string[]>();
  const start = Date.UTC(2020, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    const base = real[i % real.length]!;
    const k = i % 5000;
    const at = start + i * 240 + 0.25;
    const d = new Date(at * 1000);
    const name = `listens/${d.getUTCFullYear()}/${d.getUTCMonth() + 1}.jsonl`;
    const tm = { ...base.track_metadata, track_name: `${String(base.track_metadata.track_name)} ${k}`, artist_name: `${String(base.track_metadata.artist_name)} ${k % 700}`, mbid_mapping: undefined };
    const line = JSON.stringify({ ...base, listened_at: at, track_metadata: tm });
    if (!months.has(name)) months.set(name, []);
    months.get(name)!.push(line);
  }
  const files = [...months].map(([name, lines]) => ({ name, data: Buffer.from(lines.join('\n') + '\n') }));
  const zipPath = join(dir, 'lb.zip');
  writeFileSync(zipPath, makeZip(files));
  for (const f of files) {
    mkdirSync(join(dir, 'x', f.name, '..'), { recursive: true });
    writeFileSync(join(dir, 'x', f.name), f.data);
  }

  let t = performance.now();
  const store = await Store.open({ dataDir: join(dir, 'mixtape') });
  const s = await importListenBrainzZip(store, zipPath);
  await store.checkpoint();
  store.close();
  const mixtapeMs = performance.now() - t;

  t = performance.now();
  const db = await DuckDBInstance.create(join(dir, 'floor.duckdb'));
  const c = await db.connect();
  await c.run(`CREATE TABLE t AS SELECT * FROM read_json('${join(dir, 'x')}/listens/*/*.jsonl', format = 'newline_delimited')`);
  const floorRows = Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
  await c.run('CHECKPOINT');
  c.closeSync();
  db.closeSync();
  const floorMs = performance.now() - t;

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
  console.log(`${n} listens in ${files.length} month files (zip ${(readFileSync(zipPath).length / 1e6).toFixed(1)} MB)`);
  console.log(`mixtape import listenbrainz --zip: ${s.inserted} plays in ${(mixtapeMs / 1000).toFixed(2)} s (${Math.round(n / (mixtapeMs / 1000))} listens/s)`);
  console.log(`DuckDB read_json (floor, unzipped): ${floorRows} rows in ${(floorMs / 1000).toFixed(2)} s`);
  console.log(`ratio mixtape / floor: ${(mixtapeMs / floorMs).toFixed(1)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
