// What a listener gets, checked the way an outsider would (issue 12): HetRec split here with this
// script's own seeded shuffle (no project code), the built CLI run as a user runs it (`model fit`,
// `federation simulate --test-fraction 0`, `model recommend --exclude-seen`), and every ranking
// scored by this file's own NDCG@10 (binary relevance, the user's held-out artists). Features are
// HetRec's tags without the taggings of each user's held-out artists. Baselines computed here too:
// a listener alone (their training artists' tag TF-IDF profile, cosine against every artist's
// TF-IDF row; no one else's data) and popularity.
// Run: npx tsc -b && npx tsx bench/cli-heldout.ts [HETREC_DIR] [SPLIT_SEED] [EPSILONS, e.g. 8,0]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const dir = resolve(process.argv[2] ?? '../shared/data/hetrec-lastfm-2k');
const seed = Number(process.argv[3] ?? 777);
const epsilons = (process.argv[4] ?? '8,0').split(',').map(Number);
const BIN = resolve('packages/cli/bin/run.js');
const run = promisify(execFile);

/** mulberry32: a small seeded generator, so the split owes nothing to the project's own Rng. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rows = (text: string) => text.split(/\r?\n/).slice(1).filter((l) => l.trim()).map((l) => l.split('\t'));
const plays = new Map<string, Array<[string, string]>>();
for (const [u, a, w] of rows(await readFile(join(dir, 'user_artists.dat'), 'utf8'))) plays.set(u!, [...(plays.get(u!) ?? []), [a!, w!]]);
const rand = random(seed);
const train = new Map<string, Map<string, string>>();
const test = new Map<string, Set<string>>();
for (const [u, list] of plays) {
  const shuffled = [...list];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const held = Math.round(shuffled.length * 0.2);
  if (held > 0) test.set(u, new Set(shuffled.slice(0, held).map(([a]) => a)));
  train.set(u, new Map(shuffled.slice(held)));
}
const tags = rows(await readFile(join(dir, 'user_taggedartists.dat'), 'utf8')).filter(([u, a]) => !test.get(u!)?.has(a!));

const work = await mkdtemp(join(tmpdir(), 'mixtape-cli-heldout-'));
const env = { ...process.env, MIXTAPE_DATA_DIR: join(work, 'data'), MIXTAPE_CONFIG_DIR: join(work, 'config') };
const cli = async (args: string[]) => (await run(process.execPath, [BIN, ...args], { env, maxBuffer: 1 << 28 })).stdout;
const csv = (name: string, header: string, lines: string[]) => writeFile(join(work, name), `${header}\n${lines.join('\n')}\n`);
await csv('train.csv', 'user,item,weight', [...train].flatMap(([u, m]) => [...m].map(([a, w]) => `${u},${a},${w}`)));
await csv('tags.csv', 'item,feature', tags.map(([, a, t]) => `${a},tag${t}`));
await writeFile(join(work, 'users.txt'), `${[...test.keys()].join('\n')}\n`);

/** Mean NDCG@10 over every user with held-out artists (a user with no list scores 0). */
function ndcg(recs: Map<string, string[]>): number {
  let total = 0;
  for (const [u, rel] of test) {
    const list = (recs.get(u) ?? []).slice(0, 10);
    let dcg = 0;
    list.forEach((a, i) => (dcg += rel.has(a) ? 1 / Math.log2(i + 2) : 0));
    let ideal = 0;
    for (let i = 0; i < Math.min(10, rel.size); i++) ideal += 1 / Math.log2(i + 2);
    total += dcg / ideal;
  }
  return total / test.size;
}

async function served(model: string): Promise<Map<string, string[]>> {
  const out = await cli(['model', 'recommend', '--model', model, '--users', join(work, 'users.txt'), '--k', '10', '--exclude-seen', '--json']);
  return new Map(out.trim().split('\n').map((l) => JSON.parse(l) as { user: string; items: string[] }).map((r) => [String(r.user), r.items.map(String)]));
}

function popularity(): Map<string, string[]> {
  const count = new Map<string, number>();
  for (const m of train.values()) for (const a of m.keys()) count.set(a, (count.get(a) ?? 0) + 1);
  const order = [...count].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([a]) => a);
  return new Map([...test.keys()].map((u) => [u, order.filter((a) => !train.get(u)!.has(a)).slice(0, 10)]));
}

function alone(): Map<string, string[]> {
  const byArtist = new Map<string, Map<string, number>>();
  for (const [, a, t] of tags) byArtist.set(a!, new Map(byArtist.get(a!) ?? []).set(t!, (byArtist.get(a!)?.get(t!) ?? 0) + 1));
  const df = new Map<string, number>();
  for (const m of byArtist.values()) for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const tfidf = new Map<string, Map<string, number>>();
  for (const [a, m] of byArtist) {
    const v = new Map([...m].map(([t, n]) => [t, n * Math.log(byArtist.size / df.get(t)!)]));
    const norm = Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0)) || 1;
    tfidf.set(a, new Map([...v].map(([t, x]) => [t, x / norm])));
  }
  const postings = new Map<string, Array<[string, number]>>();
  for (const [a, v] of tfidf) for (const [t, x] of v) postings.set(t, [...(postings.get(t) ?? []), [a, x]]);
  const out = new Map<string, string[]>();
  for (const u of test.keys()) {
    const own = train.get(u)!;
    const profile = new Map<string, number>();
    for (const a of own.keys()) for (const [t, x] of tfidf.get(a) ?? []) profile.set(t, (profile.get(t) ?? 0) + x);
    const score = new Map<string, number>();
    for (const [t, x] of profile) for (const [a, y] of postings.get(t) ?? []) score.set(a, (score.get(a) ?? 0) + x * y);
    out.set(u, [...score].filter(([a]) => !own.has(a)).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10).map(([a]) => a));
  }
  return out;
}

console.log(`node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; split seed ${seed}: ${[...train.values()].reduce((s, m) => s + m.size, 0)} training pairs, ${test.size} users scored, ${tags.length} taggings kept`);
const t0 = Date.now();
await cli(['model', 'fit', '--interactions', join(work, 'train.csv'), '--item-features', join(work, 'tags.csv'), '--out', join(work, 'central')]);
const central = ndcg(await served(join(work, 'central')));
console.log(`central hybrid (model fit): NDCG@10 ${central.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const base = { alone: ndcg(alone()), popularity: ndcg(popularity()) };
console.log(`listener alone (tag TF-IDF): ${base.alone.toFixed(4)}; popularity: ${base.popularity.toFixed(4)}`);
for (const eps of epsilons) {
  const t = Date.now();
  const out = join(work, `fed-${eps}`);
  await cli(['federation', 'simulate', '--interactions', join(work, 'train.csv'), '--item-features', join(work, 'tags.csv'), '--test-fraction', '0', '--epsilon', String(eps), '--seed', String(seed), '--out', out]);
  const s = ndcg(await served(out));
  console.log(`federation simulate, epsilon ${eps === 0 ? 'none (no noise)' : eps}: NDCG@10 ${s.toFixed(4)} = ${(s / central).toFixed(3)} x central, ${(s / base.alone).toFixed(2)} x alone (${((Date.now() - t) / 1000).toFixed(0)} s)`);
}
await rm(work, { recursive: true, force: true });
