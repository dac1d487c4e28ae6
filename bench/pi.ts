/**
 * Pi-class budget (issue 17): the demo, the closest thing to the daily job (`mixtape run --phases
 * train,push` on the demo store; `mixtape daily` is being built), and an import of 1M history
 * rows, each a whole `mixtape` process pinned to one core (`taskset -c 0`) with the Node heap
 * capped at 512 MB (`NODE_OPTIONS=--max-old-space-size=512`), under /usr/bin/time for its wall
 * time, CPU time and peak RSS. The history is generated here: Spotify extended-history files
 * (Streaming_History_Audio_*.json, 50,000 rows each) of a listener with 20,000 tracks.
 *
 *   npx tsx bench/pi.ts [rows=1000000]
 *
 * Budget: every step completes; the import stays under 1 GB peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@mixtape/core';

const BIN = resolve(fileURLToPath(import.meta.url), '../../packages/cli/bin/run.js');
const PER_FILE = 50_000;

interface Step {
  name: string;
  wall: number;
  cpu: number;
  rssMb: number;
  stdout: string;
}

/** One `mixtape` process on core 0 with a 512 MB heap; fails loudly when it fails. */
function step(name: string, args: string[], env: NodeJS.ProcessEnv, work: string): Step {
  const out = join(work, 'time.txt');
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', out, 'taskset', '-c', '0', process.execPath, BIN, ...args], {
    env: { ...env, NODE_OPTIONS: '--max-old-space-size=512' },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${name}: mixtape ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-3000)}`);
  const [rss, user, sys] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { name, wall, cpu: user! + sys!, rssMb: rss! / 1024, stdout: r.stdout };
}

/** `rows` listens in Spotify's extended-history shape, written file by file (never all in memory). */
function writeHistory(dir: string, rows: number, seed = 17): void {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const tracks = Array.from({ length: 20_000 }, (_, i) => ({
    title: `Track ${i}`,
    artist: `Artist ${i % 2_000}`,
    album: `Album ${Math.floor(i / 10)}`,
    uri: `spotify:track:${i.toString(36).padStart(22, '0')}`,
  }));
  // About 530 s from one listen to the next: 1M rows span 2005 to 2022, none in the future.
  let t = Date.UTC(2005, 0, 1);
  for (let file = 0, made = 0; made < rows; file++) {
    const fd = openSync(join(dir, `Streaming_History_Audio_${new Date(t).getUTCFullYear()}_${file}.json`), 'w');
    writeSync(fd, '[\n');
    for (let i = 0; i < PER_FILE && made < rows; i++, made++) {
      // Taste: a few tracks often, most rarely (a power law over the catalogue).
      const tr = tracks[Math.floor(tracks.length * Math.pow(rng.next(), 2.5))]!;
      const skipped = rng.next() < 0.15;
      const ms = skipped ? Math.floor(rng.next() * 30_000) : 120_000 + Math.floor(rng.next() * 180_000);
      t += ms + 1000 + Math.floor(rng.next() * 600_000);
      const row = {
        ts: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        platform: 'linux',
        ms_played: ms,
        conn_country: 'NL',
        ip_addr: '192.0.2.1',
        master_metadata_track_name: tr.title,
        master_metadata_album_artist_name: tr.artist,
        master_metadata_album_album_name: tr.album,
        spotify_track_uri: tr.uri,
        episode_name: null,
        episode_show_name: null,
        spotify_episode_uri: null,
        reason_start: 'trackdone',
        reason_end: skipped ? 'fwdbtn' : 'trackdone',
        shuffle: false,
        skipped,
        offline: false,
        offline_timestamp: Math.floor(t / 1000),
        incognito_mode: false,
      };
      writeSync(fd, `${i ? ',\n' : ''}${JSON.stringify(row)}`);
    }
    writeSync(fd, '\n]\n');
    closeSync(fd);
  }
}

function main(): void {
  for (const tool of ['/usr/bin/time', '/usr/bin/taskset']) if (!existsSync(tool)) throw new Error(`${tool} is needed (Debian packages "time" and "util-linux")`);
  const rows = Number(process.argv[2] ?? 1_000_000);
  const work = mkdtempSync(join(tmpdir(), 'mixtape-bench-pi-'));
  const env = { ...process.env, MIXTAPE_CONFIG_DIR: join(work, 'config'), NO_COLOR: '1' };
  const load0 = loadavg()[0]!;
  try {
    const seen = spawnSync('taskset', ['-c', '0', process.execPath, '-e', 'process.stdout.write(String(require("os").availableParallelism()))'], { encoding: 'utf8' }).stdout;
    const steps: Step[] = [];
    steps.push(step('mixtape demo', ['demo', '--keep', join(work, 'demo'), '--json'], env, work));
    steps.push(step('mixtape run --phases train,push (demo store)', ['run', '--phases', 'train,push', '--data-dir', join(work, 'demo'), '--json'], env, work));
    const t = performance.now();
    writeHistory(join(work, 'history'), rows);
    process.stdout.write(`${rows.toLocaleString('en-US')} history rows written in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const imp = step(`mixtape import spotify-export (${rows.toLocaleString('en-US')} rows)`, ['import', 'spotify-export', join(work, 'history'), '--data-dir', join(work, 'import'), '--json'], env, work);
    steps.push(imp);
    const summary = JSON.parse(imp.stdout) as { rowsRead: number; inserted: number; rejected: Record<string, number> };
    process.stdout.write(`\n${cpus()[0]?.model ?? '?'}, Node ${process.versions.node}; under taskset -c 0 the process sees ${seen} core(s); heap capped at 512 MB; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}\n\n`);
    process.stdout.write('| step | wall | CPU time | peak RSS | budget |\n|---|---|---|---|---|\n');
    for (const s of steps) {
      const budget = s === imp ? (s.rssMb < 1024 ? 'under 1 GB: met' : 'over 1 GB: NOT met') : 'completes: met';
      process.stdout.write(`| ${s.name} | ${s.wall.toFixed(1)} s | ${s.cpu.toFixed(1)} s | ${s.rssMb.toFixed(0)} MB | ${budget} |\n`);
    }
    process.stdout.write(`\nimport: ${summary.rowsRead.toLocaleString('en-US')} rows read, ${summary.inserted.toLocaleString('en-US')} plays stored, rejected ${JSON.stringify(summary.rejected)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
