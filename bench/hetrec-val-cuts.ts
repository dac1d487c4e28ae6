// The validation cuts the hybrid benches tune on (issue 17): the seed-42 split's training part
// split again per user, never a test split. Each cut's features leave out the taggings of its
// validation pairs and of the seed-42 test pairs (HetRec's tags are the same listeners' own).
// VAL_FRACTION (default 0.2) is the share of each listener's training artists a cut holds out;
// VAL_CUTS (default 2) how many cuts (seeds 1042, 2042, 3042, …) the score is averaged over.
// A smaller fraction leaves the fits closer to a test fit's history length (every HetRec
// listener has 50 artists: a test fit holds 40, a 0.2 cut 32, a 0.125 cut 35).
import { featuresWithout, splitPerUser, type HetrecDataset, type Interactions, type ItemFeatures } from '../packages/model/src/index.js';

export interface ValidationCut {
  seed: number;
  train: Interactions;
  test: Interactions;
  features: ItemFeatures;
}

export function validationCuts(ds: HetrecDataset): { cuts: ValidationCut[]; describe: string } {
  const fraction = Number(process.env.VAL_FRACTION ?? 0.2);
  const count = Number(process.env.VAL_CUTS ?? 2);
  if (!(fraction > 0 && fraction < 1) || !(Number.isInteger(count) && count >= 1)) {
    throw new Error(`VAL_FRACTION must lie in (0, 1) and VAL_CUTS be a whole number ≥ 1 (got ${process.env.VAL_FRACTION}, ${process.env.VAL_CUTS})`);
  }
  const outer = splitPerUser(ds.interactions, { seed: 42 });
  const cuts = Array.from({ length: count }, (_, c) => {
    const seed = 1042 + 1000 * c;
    const { train, test } = splitPerUser(outer.train, { seed, testFraction: fraction });
    return { seed, train, test, features: featuresWithout(ds, outer.test, test) };
  });
  const describe = `validation: the seed-42 training part split again, ${fraction} held out (seeds ${cuts.map((c) => c.seed).join(', ')}): ${cuts[0]!.train.indices.length} fit / ${cuts[0]!.test.indices.length} validation interactions each`;
  return { cuts, describe };
}
