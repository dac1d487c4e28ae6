// Secure aggregation over HTTP at population scale: `mixtape federation simulate --secure-aggregation`
// (every listener a node with its own identity and keys, a hub in a child process, every step over
// HTTP) on N synthetic listeners drawn from the taste model fitted to HetRec (sim/population.ts, the
// population seed of bench/federation.ts), HetRec's tags as the public features. Prints the CLI's
// own report (quality against the central hybrid and the listener alone, bytes and CPU per node,
// the hub's step times with DEBUG=1) and the process's wall time and peak RSS.
// Needs a build (`npx tsc -b`).
// Run: npx tsx bench/secagg-http.ts N [extra simulate flags, e.g. --dropout 0.3 --shared-items 1000 --dim 16]
// (--plain: the same run with plain contributions, no secure aggregation).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHetrecLastfm } from '../packages/model/src/index.js';
import { drawPopulation, fitPopulation } from '../packages/federation/src/sim/population.js';

const DIR = '../shared/data/hetrec-lastfm-2k';
const n = Number(process.argv[2] ?? 10_000);
const plain = process.argv.includes('--plain');
const extra = process.argv.slice(3).filter((a) => a !== '--plain');
if (!(n > 0)) throw new Error('usage: npx tsx bench/secagg-http.ts N [simulate flags]');

const tmp = mkdtempSync(join(tmpdir(), 'mixtape-secagg-http-'));
try {
  const ds = loadHetrecLastfm(DIR);
  const population = await fitPopulation(ds.interactions);
  const x = drawPopulation(population, n, 2024);
  const lines = ['userID\tartistID\tweight'];
  for (let u = 0; u < x.userIds.length; u++) {
    for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) lines.push(`${x.userIds[u]}\t${x.itemIds[x.indices[p]!]}\t${x.values[p]}`);
  }
  const plays = join(tmp, 'plays.tsv');
  writeFileSync(plays, `${lines.join('\n')}\n`);
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(1)}; ${n.toLocaleString('en-US')} synthetic listeners, ${(lines.length - 1).toLocaleString('en-US')} rows; simulate ${plain ? 'with plain contributions ' : ''}${extra.join(' ')}`);
  const args = ['packages/cli/bin/run.js', 'federation', 'simulate', '--interactions', plays, '--item-features', join(DIR, 'user_taggedartists.dat'), '--epsilon', '8', ...(plain ? [] : ['--secure-aggregation']), '--out', join(tmp, 'model'), ...extra];
  const t0 = performance.now();
  // The child's output as it comes (the hub's step log first, the report at the end), without stack traces.
  const child = spawn('/usr/bin/time', ['-f', 'peak RSS %M KB, CPU %U s user %S s system', process.execPath, ...args], { env: { ...process.env, DEBUG: '1' } });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l && !l.startsWith('    at ')) console.log(l);
    });
    stream.on('end', () => rest && console.log(rest));
  }
  const status = await new Promise<number | null>((res) => child.on('close', res));
  console.log(`wall ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)} at the end`);
  if (status !== 0) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
