// int8 serving against float32 in one run: resident memory of a served 100,000-item model (each
// dtype in its own child process), top-50 latency, and NDCG@10 on a HetRec test split.
// Run: npx tsx bench/serve-int8.ts [HETREC_DIR]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareQuantized,
  fitModel,
  loadHetrecLastfm,
  loadModel,
  quantizeModel,
  Recommender,
  saveModel,
  splitPerUser,
} from '../packages/model/src/index.js';
import { syntheticModel, timeCalls } from './synthetic-catalogue.js';

const nItems = 100_000;
const k = 64;

interface ChildReport {
  dtype: string;
  rssBefore: number;
  rssAfter: number;
  arrayBuffers: number;
  p50: number;
  p99: number;
  cpu50: number;
  cpu99: number;
  load: number;
}

async function child(dir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage();
  let a: ReturnType<typeof loadModel> | undefined = loadModel(dir);
  const rec = await Recommender.create(a);
  a = undefined;
  const listener = rec.listener('listener', { excludeSeen: true });
  for (let i = 0; i < 50; i++) await rec.recommend(listener, 50);
  gc();
  const after = process.memoryUsage();
  const t = await timeCalls(() => rec.recommend(listener, 50));
  const r: ChildReport = {
    dtype: rec.dtype,
    rssBefore: before.rss,
    rssAfter: after.rss,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    ...t,
    load: loadavg()[0]!,
  };
  console.log(JSON.stringify(r));
}

async function main(): Promise<void> {
  const hetrec = process.argv[2] ?? '../shared/data/hetrec-lastfm-2k';
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()[0]!.toFixed(1)}`);
  const tmp = mkdtempSync(join(tmpdir(), 'mixtape-serve-int8-'));
  try {
    const { model, history } = syntheticModel(nItems, k);
    const artifact = { model, history: { userIds: ['listener'], itemIds: model.itemIds, indptr: Int32Array.from([0, history.length]), indices: history, values: new Float32Array(history.length).fill(10) } };
    saveModel(join(tmp, 'float32'), artifact, { dtype: 'float32' });
    saveModel(join(tmp, 'int8'), quantizeModel(artifact), { dtype: 'int8' });
    const reports: ChildReport[] = [];
    for (const dtype of ['float32', 'int8']) {
      const res = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), '--child', join(tmp, dtype)], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`child ${dtype} failed: ${res.stderr}`);
      reports.push(JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildReport);
    }
    const mb = (b: number) => (b / 1e6).toFixed(1);
    console.log(`\nserved model, ${nItems} items × ${k} factors, 3 hashed features each, 200-item history, content part on; each dtype in its own process`);
    console.log('dtype    RSS before  RSS after  RSS growth  array buffers  top-50 p50  p99      CPU p50  CPU p99  load');
    for (const r of reports) {
      console.log(`${r.dtype.padEnd(8)} ${mb(r.rssBefore).padStart(8)} MB ${mb(r.rssAfter).padStart(7)} MB ${mb(r.rssAfter - r.rssBefore).padStart(7)} MB ${mb(r.arrayBuffers).padStart(10)} MB  ${r.p50.toFixed(2).padStart(6)} ms ${r.p99.toFixed(2).padStart(6)} ms ${r.cpu50.toFixed(2).padStart(6)} ms ${r.cpu99.toFixed(2).padStart(6)} ms  ${r.load.toFixed(1)}`);
    }
    const [f, q] = reports as [ChildReport, ChildReport];
    console.log(`int8 ÷ float32: RSS growth ${((q.rssAfter - q.rssBefore) / (f.rssAfter - f.rssBefore)).toFixed(3)}, item table ${(nItems * (k + 4)) / (nItems * k * 4)} (bytes), p99 ${(q.p99 / f.p99).toFixed(2)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const ds = loadHetrecLastfm(hetrec);
  for (const seed of [42, 1]) {
    const { train, test } = splitPerUser(ds.interactions, { seed });
    const m = (await fitModel(train, ds.features, { seed })).model;
    const r = await compareQuantized(m, train, test, 10);
    console.log(`HetRec split seed ${seed}: NDCG@10 float32 ${r.ndcgFloat32.toFixed(4)}, int8 ${r.ndcgInt8.toFixed(4)} (${(r.ndcgChange * 100).toFixed(2)} %), top-10 overlap ${(r.topKOverlap * 100).toFixed(1)} %`);
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else await main();
