// Validation-only sweep of the hybrid (issue 17): mean NDCG@10 over the validation cuts of
// bench/hybrid-heldout.ts (bench/hetrec-val-cuts.ts: VAL_FRACTION, VAL_CUTS). Never reads a test split.
// Run: [VAL_FRACTION=0.125 VAL_CUTS=4] npx tsx bench/hybrid-val.ts [HETREC_DIR] '[{"userPriorWeight":1},{"userPriorWeight":2}]'
// Each JSON object overrides HYBRID_DEFAULTS; the defaults are scored first, each line gives its gain.
import { cpus, loadavg } from 'node:os';
import {
  contentIndexOf,
  evaluateScorer,
  hybridScorer,
  HYBRID_DEFAULTS,
  ItemIndex,
  loadHetrecLastfm,
  trainHybrid,
  type HybridOptions,
} from '../packages/model/src/index.js';
import { validationCuts } from './hetrec-val-cuts.js';

const dir = process.argv[2] ?? '../shared/data/hetrec-lastfm-2k';
const variants = JSON.parse(process.argv[3] ?? '[]') as HybridOptions[];
const ds = loadHetrecLastfm(dir);
const { cuts: folds, describe } = validationCuts(ds);
console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`);
console.log(describe);

async function validation(o: HybridOptions): Promise<number[]> {
  const out: number[] = [];
  for (const { train, test, features } of folds) {
    const m = await trainHybrid(train, features, o);
    const idx = await ItemIndex.create(m.itemFactors, m.itemIds.length, m.k);
    const s = hybridScorer(m.userFactors, m.k, idx, train, contentIndexOf(m), m.params.contentBeta);
    out.push((await evaluateScorer(s, train, test)).ndcg);
    idx.dispose();
  }
  return out;
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const t0 = Date.now();
const base = mean(await validation(HYBRID_DEFAULTS));
console.log(`defaults: ${base.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
for (const v of variants) {
  const t = Date.now();
  const cuts = await validation({ ...HYBRID_DEFAULTS, ...v });
  const s = mean(cuts);
  const gain = (s / base - 1) * 100;
  console.log(`${JSON.stringify(v)}: ${s.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(2)} %; cuts ${cuts.map((c) => c.toFixed(4)).join(' / ')}; ${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
