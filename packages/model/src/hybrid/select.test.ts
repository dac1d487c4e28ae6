import { describe, expect, it } from 'vitest';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { evaluateScorer } from '../metrics/evaluate.js';
import { ItemIndex } from '../serve/item-index.js';
import { contentIndexOf } from './content.js';
import { hybridScorer } from './scorer.js';
import { selectHybrid, type HybridCandidate } from './select.js';
import { trainHybrid } from './train.js';

const data = syntheticData({ users: 200, items: 300, perUser: 20, seed: 11 });
const { train, test } = splitPerUser(data.interactions, { seed: 5 });
const base = { factors: 16, iterations: 4, seed: 3 };
// No ALS iteration leaves the random start: far worse than a fitted model.
const untrained: HybridCandidate = { name: 'untrained', options: { iterations: 0, contentBeta: 0 } };
const fitted: HybridCandidate = { name: 'fitted', options: {} };

async function ndcgOf(options: HybridCandidate['options']): Promise<number> {
  const m = await trainHybrid(train, data.features, { ...base, ...options });
  const index = await ItemIndex.create(m.itemFactors, m.itemIds.length, m.k);
  try {
    return (await evaluateScorer(hybridScorer(m.userFactors, m.k, index, train, contentIndexOf(m), m.params.contentBeta), train, test)).ndcg;
  } finally {
    index.dispose();
  }
}

describe('choosing the hybrid settings on held-out rows', () => {
  it('scores every candidate as the evaluation does and moves off the first only for a clear win', async () => {
    const s = await selectHybrid(train, test, data.features, [untrained, fitted], base);
    expect(s.scores.map((c) => c.name)).toEqual(['untrained', 'fitted']);
    expect(s.scores[0]!.ndcg).toBeCloseTo(await ndcgOf(untrained.options), 6);
    expect(s.scores[1]!.ndcg).toBeCloseTo(await ndcgOf(fitted.options), 6);
    expect(s.scores[1]!.ndcg).toBeGreaterThan(s.scores[0]!.ndcg * 2);
    expect(s.chosen).toBe(fitted);
    expect(s.model.params.iterations).toBe(4);
    expect(s.users).toBe(200);
    // The first stays when it wins, and when the other's lead is inside the margin.
    expect((await selectHybrid(train, test, data.features, [fitted, untrained], base)).chosen).toBe(fitted);
    const lead = s.scores[1]!.ndcg / s.scores[0]!.ndcg - 1;
    const kept = await selectHybrid(train, test, data.features, [untrained, fitted], { ...base, margin: lead + 0.01 });
    expect(kept.chosen).toBe(untrained);
    expect(kept.model.params.iterations).toBe(0);
    expect((await selectHybrid(train, test, data.features, [untrained, fitted], { ...base, margin: lead - 0.01 })).chosen).toBe(fitted);
  });

  it('keeps the first candidate when nothing is held out', async () => {
    const empty = { ...test, indptr: new Int32Array(test.indptr.length), indices: new Int32Array(0), values: new Float32Array(0) };
    const s = await selectHybrid(train, empty, data.features, [untrained, fitted], base);
    expect(s.chosen).toBe(untrained);
    expect(s.users).toBe(0);
    expect(s.scores).toEqual([{ name: 'untrained', ndcg: 0 }, { name: 'fitted', ndcg: 0 }]);
  });
});
