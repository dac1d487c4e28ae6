/**
 * Library matching benchmark (issue 15): a generated library of real artist and title names with
 * version notes, featured credits, accents, missing IDs, duration jitter and decoys (the same title
 * by another artist; a live take beside or instead of the studio one), and queries with known truth.
 * Prints precision and recall of the tiered matcher and, in the same run, of exact normalized
 * artist + title lookup alone; and the time to index and match.
 *
 *   npx tsx bench/match.ts [--size 20000] [--queries 5000] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { match } from '@mixtape/connectors';
import { normalizeArtist, normalizeTitle } from '@mixtape/core';
import { generate, type Query } from './match-data.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '20000' }, queries: { type: 'string', default: '5000' }, seed: { type: 'string', default: '7' }, 'show-wrong': { type: 'boolean', default: false } } });
const bench = generate(Number(values.size), Number(values.queries), Number(values.seed));

interface Score { precision: number; recall: number; tp: number; fp: number; fn: number; ms: number }

function score(queries: Query[], answer: (q: Query) => string | undefined, ms: number): Score {
  let tp = 0, fp = 0, fn = 0;
  for (const q of queries) {
    const got = answer(q);
    if (got !== undefined && got === q.truth) tp++;
    else if (got !== undefined) fp++;
    if (q.truth !== null && got !== q.truth) fn++;
  }
  return { precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), tp, fp, fn, ms };
}

// Tiered matcher: index, then every query.
let t0 = performance.now();
const matcher = new match.LibraryMatcher(bench.library);
const indexMs = performance.now() - t0;
t0 = performance.now();
const outcomes = new Map(bench.queries.map((q) => [q, matcher.match(q.q)]));
const tieredMs = performance.now() - t0;
const tiered = score(bench.queries, (q) => { const o = outcomes.get(q)!; return o.matched ? o.candidate.id : undefined; }, tieredMs);

// Baseline: exact normalized artist + title, first hit, no IDs, no durations.
t0 = performance.now();
const byKey = new Map<string, string>();
for (const c of bench.library) {
  const k = `${normalizeArtist(c.artist)}\u0001${normalizeTitle(c.title)}`;
  if (!byKey.has(k)) byKey.set(k, c.id);
}
const baseline = score(bench.queries, (q) => byKey.get(`${normalizeArtist(q.q.artist)}\u0001${normalizeTitle(q.q.title)}`), performance.now() - t0);

const pct = (x: number) => (100 * x).toFixed(2);
console.log(`library ${bench.library.length} songs (${bench.decoys} decoys), ${bench.queries.length} queries (${bench.queries.filter((q) => q.truth === null).length} absent from the library)`);
console.log(`tiered:   precision ${pct(tiered.precision)}%  recall ${pct(tiered.recall)}%  (tp ${tiered.tp}, fp ${tiered.fp}, fn ${tiered.fn})  index ${indexMs.toFixed(0)} ms, match ${tieredMs.toFixed(0)} ms (${(tieredMs / bench.queries.length).toFixed(3)} ms/query)`);
console.log(`baseline: precision ${pct(baseline.precision)}%  recall ${pct(baseline.recall)}%  (tp ${baseline.tp}, fp ${baseline.fp}, fn ${baseline.fn})  ${baseline.ms.toFixed(0)} ms (exact normalized artist + title only)`);

const tiers = Object.fromEntries(match.MATCH_TIERS.map((t) => [t, 0]));
for (const o of outcomes.values()) if (o.matched) tiers[o.tier]!++;
console.log(`tiers: ${Object.entries(tiers).map(([t, n]) => `${t} ${n}`).join(', ')}`);
const kinds = new Map<string, { n: number; right: number; wrong: number }>();
for (const q of bench.queries) {
  const o = outcomes.get(q)!;
  const k = kinds.get(q.kind) ?? { n: 0, right: 0, wrong: 0 };
  k.n++;
  if (o.matched && o.candidate.id === q.truth) k.right++;
  else if (o.matched) k.wrong++;
  kinds.set(q.kind, k);
}
console.log('by kind (queries, matched right, matched wrong):');
for (const [kind, k] of [...kinds].sort()) console.log(`  ${kind.padEnd(22)} ${String(k.n).padStart(5)} ${String(k.right).padStart(5)} ${String(k.wrong).padStart(4)}`);
const reasons = new Map<string, number>();
for (const o of outcomes.values()) if (!o.matched) reasons.set(o.reason, (reasons.get(o.reason) ?? 0) + 1);
console.log(`unmatched reasons: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`);
if (values['show-wrong']) {
  for (const q of bench.queries) {
    const o = outcomes.get(q)!;
    if (o.matched && o.candidate.id !== q.truth) console.log('WRONG', q.kind, JSON.stringify(q.q), '->', o.tier, JSON.stringify(o.candidate), 'truth', q.truth);
  }
}
