// The hybrid's lead over iALS on splits it was not tuned on. Both models are tuned the same way
// (a short coordinate search, mean NDCG@10 over validation splits cut from the training part
// of the seed-42 split, never a test split: bench/hetrec-val-cuts.ts, VAL_FRACTION and VAL_CUTS; a change is kept only when it gains at least MARGIN,
// above the noise between validation cuts); the chosen settings are then fitted on the training
// part of held-out test splits (seeds never used for tuning) and scored on their test part. The
// hybrid's default fit is also scored with the content score it had before issue 17 (IDF³ on both
// sides), so each run shows what that change is worth on the same factors. HetRec's tags are the
// same users' own, so every split's features leave out the taggings of its held-out pairs
// (featuresWithout): a validation cut's, without its validation pairs and the seed-42 test pairs;
// a test split's, without its test pairs. iALS reads no features.
// Run: [VAL_FRACTION=0.125 VAL_CUTS=4] npx tsx bench/hybrid-heldout.ts [HETREC_DIR] [TEST_SEEDS, e.g. 3,5]
import { cpus, loadavg } from 'node:os';
import {
  contentIndexOf,
  evaluateScorer,
  factorScorer,
  featuresWithout,
  hybridScorer,
  HYBRID_DEFAULTS,
  IALS_DEFAULTS,
  ItemIndex,
  loadHetrecLastfm,
  splitPerUser,
  trainHybrid,
  trainIals,
  type HybridOptions,
  type HybridParams,
  type IalsOptions,
  type Interactions,
  type ItemFeatures,
} from '../packages/model/src/index.js';
import { validationCuts } from './hetrec-val-cuts.js';

const dir = process.argv[2] ?? '../shared/data/hetrec-lastfm-2k';
const testSeeds = (process.argv[3] ?? '3,5').split(',').map(Number);
const ds = loadHetrecLastfm(dir);

/** The content scorer before issue 17 (IDF³ on both sides), rescored on the same fit for reference. */
const SYMMETRIC_IDF3 = { contentIdfPower: 3, contentItemIdfPower: 3 };

/** NDCG@10 of one fit at its own content settings, then at each of `rescore`'s (scoring only, same factors). */
async function hybridNdcgs(train: Interactions, test: Interactions, features: ItemFeatures, o: HybridOptions, rescore: Array<Partial<HybridParams>> = []): Promise<number[]> {
  const m = await trainHybrid(train, features, o);
  const idx = await ItemIndex.create(m.itemFactors, m.itemIds.length, m.k);
  const out: number[] = [];
  for (const params of [m.params, ...rescore.map((p) => ({ ...m.params, ...p }))]) {
    const s = hybridScorer(m.userFactors, m.k, idx, train, contentIndexOf({ features: m.features, params }), params.contentBeta);
    out.push((await evaluateScorer(s, train, test)).ndcg);
  }
  idx.dispose();
  return out;
}

async function hybridNdcg(train: Interactions, test: Interactions, features: ItemFeatures, o: HybridOptions): Promise<number> {
  return (await hybridNdcgs(train, test, features, o))[0]!;
}

async function ialsNdcg(train: Interactions, test: Interactions, o: IalsOptions): Promise<number> {
  const s = await factorScorer(await trainIals(train, o));
  const r = await evaluateScorer(s, train, test);
  s.dispose();
  return r.ndcg;
}

/** Coordinate search: each parameter in turn over its candidates, keeping the best so far. */
const MARGIN = 0.005;

async function tune<T extends object>(name: string, start: T, grid: Array<[keyof T, number[]]>, score: (o: T) => Promise<number>): Promise<{ best: T; ndcg: number }> {
  let best = start;
  let bestScore = await score(best);
  console.log(`${name} defaults: validation NDCG@10 ${bestScore.toFixed(4)}`);
  for (const [key, values] of grid) {
    for (const v of values) {
      if (best[key] === v) continue;
      const o = { ...best, [key]: v };
      const s = await score(o);
      const keep = s > bestScore * (1 + MARGIN);
      console.log(`  ${name} ${String(key)} = ${v}: ${s.toFixed(4)}${keep ? ' (kept)' : ''}`);
      if (keep) {
        best = o;
        bestScore = s;
      }
    }
  }
  return { best, ndcg: bestScore };
}

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`);
const { cuts: folds, describe } = validationCuts(ds);
console.log(describe);
const mean = async (f: (train: Interactions, test: Interactions, features: ItemFeatures) => Promise<number>) => {
  let s = 0;
  for (const { train, test, features } of folds) s += await f(train, test, features);
  return s / folds.length;
};
const h = await tune<HybridOptions>('hybrid', { ...HYBRID_DEFAULTS }, [
  ['factors', [96]],
  ['iterations', [12]],
  ['contentBeta', [0.3, 0.5]],
  ['contentIdfPower', [3, 5]],
  ['contentItemIdfPower', [0.5, 2]],
  ['lambdaPerObs', [0.4]],
  ['perUserScale', [0.1]],
  ['priorWeight', [4]],
  ['userPriorWeight', [8, 12]],
], (o) => mean((tr, te, fe) => hybridNdcg(tr, te, fe, o)));
const i = await tune<IalsOptions>('iALS', { ...IALS_DEFAULTS }, [
  ['factors', [96]],
  ['iterations', [15]],
  ['lambdaPerObs', [0.2, 0.4]],
  ['lambda', [0.3, 3]],
  ['epsilon', [3, 30]],
], (o) => mean((tr, te) => ialsNdcg(tr, te, o)));
const symmetricVal = await mean(async (tr, te, fe) => (await hybridNdcgs(tr, te, fe, HYBRID_DEFAULTS, [SYMMETRIC_IDF3]))[1]!);
console.log(`hybrid defaults with the symmetric IDF³ content score (before issue 17): validation NDCG@10 ${symmetricVal.toFixed(4)}`);
const changed = (o: object, d: object) => Object.entries(o).filter(([k, v]) => (d as Record<string, unknown>)[k] !== v).map(([k, v]) => `${k} ${v}`).join(', ') || 'the defaults';
console.log(`chosen on validation: hybrid ${changed(h.best, HYBRID_DEFAULTS)} (${h.ndcg.toFixed(4)}); iALS ${changed(i.best, IALS_DEFAULTS)} (${i.ndcg.toFixed(4)}); ratio ${(h.ndcg / i.ndcg).toFixed(3)}`);
for (const seed of testSeeds) {
  const { train, test } = splitPerUser(ds.interactions, { seed });
  const features = featuresWithout(ds, test);
  const [hyDefault, hySymmetric] = (await hybridNdcgs(train, test, features, HYBRID_DEFAULTS, [SYMMETRIC_IDF3])) as [number, number];
  const hy = changed(h.best, HYBRID_DEFAULTS) === 'the defaults' ? hyDefault : await hybridNdcg(train, test, features, h.best);
  const ia = await ialsNdcg(train, test, i.best);
  const iaDefault = changed(i.best, IALS_DEFAULTS) === 'the defaults' ? ia : await ialsNdcg(train, test, IALS_DEFAULTS);
  console.log(`test split seed ${seed}: hybrid ${hy.toFixed(4)} vs iALS ${ia.toFixed(4)}: ${(hy / ia).toFixed(3)}× (both at their defaults: ${hyDefault.toFixed(4)} vs ${iaDefault.toFixed(4)}, ${(hyDefault / iaDefault).toFixed(3)}×; hybrid defaults with the symmetric IDF³ content score: ${hySymmetric.toFixed(4)}, new ÷ that ${(hyDefault / hySymmetric).toFixed(3)})`);
}
