/**
 * Start-up benchmark (issue 17): whole-process wall time of light commands against `node -e 0`
 * measured in the same run, interleaved round by round so that load from other processes hits
 * both alike. Each process runs under /usr/bin/time for its peak RSS and CPU time. `status`,
 * `playlist list` and `recommend` read a demo store made first by `mixtape demo --keep`.
 *
 *   npx tsx bench/startup.ts [rounds=11] [--store DIR]
 *
 * Goals: `--version`, `--help`, `status`, `playlist list` within `node -e 0` + 0.25 s;
 * `recommend --count 30` within 1 s end to end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(fileURLToPath(import.meta.url), '../../packages/cli/bin/run.js');
const TIME = '/usr/bin/time';

interface Case {
  name: string;
  argv: string[];
  /** The goal, on the median wall time or on the median paired difference to `node -e 0`. */
  goal?: { text: string; ok: (wall: number, diff: number) => boolean };
}

interface Sample {
  wall: number;
  cpu: number;
  rssMb: number;
}

const light = { text: 'node + 0.25 s', ok: (_wall: number, diff: number) => diff <= 0.25 };
const CASES: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'mixtape --version', argv: [BIN, '--version'], goal: light },
  { name: 'mixtape --help', argv: [BIN, '--help'], goal: light },
  { name: 'mixtape status', argv: [BIN, 'status'], goal: light },
  { name: 'mixtape playlist list', argv: [BIN, 'playlist', 'list'], goal: light },
  { name: 'mixtape recommend --count 30', argv: [BIN, 'recommend', '--count', '30'], goal: { text: '1 s', ok: (w) => w <= 1 } },
];

/** Runs node with `argv` under /usr/bin/time; fails loudly on a non-zero exit. */
function once(argv: string[], env: NodeJS.ProcessEnv, out: string): Sample {
  const t = performance.now();
  const r = spawnSync(TIME, ['-f', '%M %U %S', '-o', out, process.execPath, ...argv], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const [rss, user, sys] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user! + sys!, rssMb: rss! / 1024 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function main(): void {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (Debian package "time")`);
  const args = process.argv.slice(2);
  const storeAt = args.indexOf('--store');
  const rounds = Number(args.find((a, i) => /^\d+$/.test(a) && (storeAt < 0 || i !== storeAt + 1)) ?? 11);
  const work = mkdtempSync(join(tmpdir(), 'mixtape-bench-startup-'));
  const store = storeAt >= 0 ? resolve(args[storeAt + 1]!) : join(work, 'demo');
  const env = { ...process.env, MIXTAPE_DATA_DIR: store, MIXTAPE_CONFIG_DIR: join(work, 'config'), NO_COLOR: '1' };
  const out = join(work, 'time.txt');
  try {
    if (storeAt < 0) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'demo', '--keep', store, '--json'], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`mixtape demo failed: ${r.stderr.slice(-2000)}`);
      process.stdout.write(`demo store made in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }
    // One unmeasured run each: the file cache is warm and a stale oclif manifest is rewritten.
    for (const c of CASES) once(c.argv, env, out);
    const load0 = loadavg()[0]!;
    const samples = new Map<string, Sample[]>(CASES.map((c) => [c.name, []]));
    const diffs = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
      const ref = once(CASES[0]!.argv, env, out);
      samples.get(CASES[0]!.name)!.push(ref);
      for (const c of CASES.slice(1)) {
        const s = once(c.argv, env, out);
        samples.get(c.name)!.push(s);
        diffs.get(c.name)!.push(s.wall - ref.wall);
      }
    }
    const load1 = loadavg()[0]!;
    const ref = median(samples.get(CASES[0]!.name)!.map((s) => s.wall));
    process.stdout.write(`\n${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.versions.node}, ${rounds} rounds, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}\n\n`);
    process.stdout.write('| command | wall (median) | − node -e 0 (paired median) | × node -e 0 | CPU time | peak RSS | goal | met |\n|---|---|---|---|---|---|---|---|\n');
    for (const c of CASES) {
      const ss = samples.get(c.name)!;
      const wall = median(ss.map((s) => s.wall));
      const diff = c.goal ? median(diffs.get(c.name)!) : 0;
      const met = c.goal ? (c.goal.ok(wall, diff) ? 'yes' : 'no') : '';
      process.stdout.write(`| \`${c.name}\` | ${wall.toFixed(3)} s | ${c.goal ? `+${diff.toFixed(3)} s` : ''} | ${(wall / ref).toFixed(1)}× | ${median(ss.map((s) => s.cpu)).toFixed(2)} s | ${median(ss.map((s) => s.rssMb)).toFixed(0)} MB | ${c.goal?.text ?? 'reference'} | ${met} |\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
