import {
  contentIndexOf,
  evaluateScorer,
  hybridScorer,
  ItemIndex,
  popularityScorer,
  trainHybrid,
  type Interactions,
  type ItemFeatures,
  type Metrics,
} from '@mixtape/model';
import type { PrivateAlsParams } from '../als/params.js';
import { blendedScorer, listenerContent } from '../als/serve.js';

/** NDCG@10 and friends of what listeners get, next to the strongest central model and the listener alone, on one split. */
export interface Comparison {
  /** The federated factors alone (the user solved locally, no content blend). */
  federatedFactors: Metrics;
  /** What listeners get: federated factors blended with their own content score at their own tuned weight, plus the public popularity prior. */
  listeners: Metrics;
  /** The same with every listener at the default weight (tuned on a validation split). */
  listenersDefaultBlend: Metrics;
  /** The model package's hybrid trained centrally on the same training split (`mixtape model fit`). */
  central: Metrics;
  /** Each listener alone: their own history and the public tags, nobody else's data (`ALONE_CONTENT`). */
  alone: Metrics;
  popularity: Metrics;
  vsCentral: number;
  vsAlone: number;
}

const strip = async (p: ReturnType<typeof evaluateScorer>): Promise<Metrics> => {
  const { lists: _l, ...m } = await p;
  return m;
};

/**
 * The strongest listener-alone model found: a match of the listener's tag profile (IDF² weights, so
 * rarer tags count more) against candidates' plain tag frequencies. On a validation split cut from
 * HetRec's training part, with the tags of held-out pairs left out (bench/fed-tune.ts --baselines):
 * 0.1281, against 0.1202 (IDF 1 / plain), 0.0997 (IDF 4 / plain), 0.0923 (IDF 4 / IDF 1) and
 * 0.0894 (plain on both sides, the baseline used before); the central hybrid scores 0.1922 there.
 */
export const ALONE_CONTENT = { contentIdfPower: 2, contentItemIdfPower: 0 } as const;

/** Scores the federated model, the central hybrid, the listener alone and popularity with one metric function. */
export async function compareWithCentral(
  table: Float32Array,
  k: number,
  users: Float32Array,
  train: Interactions,
  test: Interactions,
  features: ItemFeatures,
  userBlend: Float32Array,
  defaultBlend: number,
  contentIdf: Pick<PrivateAlsParams, 'contentIdfPower' | 'contentItemIdfPower'>,
  prior?: { z: Float32Array; weight: number },
  central?: Metrics,
): Promise<Comparison> {
  const content = listenerContent(features, contentIdf);
  const n = train.itemIds.length;
  const federatedFactors = await strip(evaluateScorer(blendedScorer(table, k, users, train, content, () => 0), train, test));
  const listeners = await strip(evaluateScorer(blendedScorer(table, k, users, train, content, (u) => userBlend[u]!, prior), train, test));
  const listenersDefaultBlend = await strip(evaluateScorer(blendedScorer(table, k, users, train, content, () => defaultBlend, prior), train, test));
  const popularity = await strip(evaluateScorer(popularityScorer(train), train, test));
  const aloneContent = listenerContent(features, ALONE_CONTENT);
  const alone = aloneContent ? await strip(evaluateScorer(blendedScorer(new Float32Array(n), 1, new Float32Array(train.userIds.length), train, aloneContent, () => 1), train, test)) : popularity;
  let c = central;
  if (!c) {
    const h = await trainHybrid(train, features, { seed: 42 });
    const idx = await ItemIndex.create(h.itemFactors, n, h.k);
    try {
      c = await strip(evaluateScorer(hybridScorer(h.userFactors, h.k, idx, train, contentIndexOf(h), h.params.contentBeta), train, test));
    } finally {
      idx.dispose();
    }
  }
  return { federatedFactors, listeners, listenersDefaultBlend, central: c, alone, popularity, vsCentral: listeners.ndcg / c.ndcg, vsAlone: listeners.ndcg / alone.ndcg };
}
