// `mixtape model fit` on HetRec Last.fm 2K with 1 thread on 1 core against 2 threads on 2 cores
// (taskset), alternating runs; wall clock and CPU time of the whole process, the load average
// around each run, and whether both models are the same bytes. Needs a build (`npx tsc -b`).
// Run: npx tsx bench/fit-threads.ts [HETREC_DIR] [RUNS]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2] ?? '../shared/data/hetrec-lastfm-2k';
const runs = Number(process.argv[3] ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'mixtape-fit-threads-'));
const rows = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split('\t'));
writeFileSync(join(tmp, 'plays.csv'), `user,item,weight\n${rows('user_artists.dat').map(([u, a, w]) => `${u},${a},${w}`).join('\n')}\n`);
writeFileSync(join(tmp, 'tags.csv'), `item,feature\n${rows('user_taggedartists.dat').map(([, a, t]) => `${a},tag:${t}`).join('\n')}\n`);

interface Run {
  wall: number;
  cpu: number;
  /** The fit alone (the CLI's fitSeconds: no start-up, file read or save). */
  fit: number;
  load: number;
}

function fit(cores: string, threads: number, out: string): Run {
  const load = loadavg()[0]!;
  const cmd = `TIMEFORMAT='%R %U %S'; time taskset -c ${cores} node packages/cli/bin/run.js model fit --interactions ${tmp}/plays.csv --item-features ${tmp}/tags.csv --out ${out} --threads ${threads} --json > ${out}.json`;
  const t = execFileSync('bash', ['-c', `{ ${cmd} ; } 2>&1 | tail -1`], { encoding: 'utf8' }).trim().split(' ').map(Number);
  const fit = (JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { fitSeconds: number }).fitSeconds;
  return { wall: t[0]!, cpu: t[1]! + t[2]!, fit, load: (load + loadavg()[0]!) / 2 };
}

// The reference in the same run: a pure CPU loop split over 1 or 2 threads under the same taskset,
// i.e. the speed-up this machine can give one process right now (2× on an idle 2-core machine).
const SPIN = `
const { Worker } = require('node:worker_threads');
const work = (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x + Math.sqrt(i)) % 1e9; return x; };
const n = 2e8, threads = Number(process.argv[1]);
const t0 = performance.now();
const code = 'const { parentPort, workerData } = require("node:worker_threads"); let x = 0; for (let i = 0; i < workerData; i++) x = (x + Math.sqrt(i)) % 1e9; parentPort.postMessage(x);';
const others = Array.from({ length: threads - 1 }, () => new Promise((r) => new Worker(code, { eval: true, workerData: n / threads }).on('message', r)));
work(n / threads);
Promise.all(others).then(() => console.log((performance.now() - t0) / 1000));
`;

function spin(cores: string, threads: number): number {
  return Number(execFileSync('taskset', ['-c', cores, process.execPath, '-e', SPIN, String(threads)], { encoding: 'utf8' }).trim());
}

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); whole \`mixtape model fit\` processes (start-up, CSV read, fit, save)`);
const one: Run[] = [];
const two: Run[] = [];
const refs: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    one.push(fit('0', 1, join(tmp, 'm1')));
    two.push(fit('0,1', 2, join(tmp, 'm2')));
    const ref = spin('0', 1) / spin('0,1', 2);
    refs.push(ref);
    const f = (r: Run) => `${r.wall.toFixed(2)} s wall (fit ${r.fit.toFixed(2)} s), ${r.cpu.toFixed(2)} s CPU, load ${r.load.toFixed(1)}`;
    console.log(`run ${i + 1}: 1 thread on core 0: ${f(one[i]!)} | 2 threads on cores 0,1: ${f(two[i]!)} | reference CPU loop, 1 ÷ 2 threads: ${ref.toFixed(2)}×`);
  }
  const same = ['item-factors.f32', 'user-factors.f32', 'feature-table.f32'].every((n) => readFileSync(join(tmp, 'm1', n)).equals(readFileSync(join(tmp, 'm2', n))));
  const best = (rs: Run[], key: 'wall' | 'fit') => Math.min(...rs.map((r) => r[key]));
  const med = (rs: Run[], key: 'wall' | 'fit') => rs.map((r) => r[key]).sort((a, b) => a - b)[rs.length >> 1]!;
  for (const key of ['wall', 'fit'] as const) {
    console.log(`speed-up, ${key === 'wall' ? 'whole process' : 'fit alone'} (1 thread ÷ 2 threads): best ${(best(one, key) / best(two, key)).toFixed(2)}×, median ${(med(one, key) / med(two, key)).toFixed(2)}×`);
  }
  console.log(`reference (a CPU loop on 1 vs 2 threads, what the machine gave one process): median ${refs.sort((a, b) => a - b)[refs.length >> 1]!.toFixed(2)}×`);
  console.log(`models byte-identical: ${same}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
