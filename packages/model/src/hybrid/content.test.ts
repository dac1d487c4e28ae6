import { describe, expect, it } from 'vitest';
import type { ItemFeatures } from '../data/item-features.js';
import { buildContentIndex, contentIndexOf, contentProfile, contentScores } from './content.js';
import { HYBRID_DEFAULTS } from './train.js';

// Six items over three slots: slot 0 on one item (IDF ln 3), slot 1 on two (ln 2), slot 2 on three (ln 1.5).
const features: ItemFeatures = {
  slots: 3,
  indptr: Int32Array.from([0, 2, 4, 5, 6, 6, 6]),
  indices: Int32Array.from([0, 2, 1, 2, 1, 2]),
  weights: Float32Array.from([0.5, 0.5, 0.5, 0.5, 1, 1]),
};
const [rare, mid, common] = [Math.log(3), Math.log(2), Math.log(1.5)];
const unit = (a: number, b: number) => [a / Math.hypot(a, b), b / Math.hypot(a, b)];

/** Candidate-side weights of one slot, as item → weight. */
function posting(c: ReturnType<typeof buildContentIndex>, slot: number): Record<number, number> {
  const out: Record<number, number> = {};
  for (let p = c.postings.indptr[slot]!; p < c.postings.indptr[slot + 1]!; p++) out[c.postings.items[p]!] = c.postings.weights[p]!;
  return out;
}

describe('content index', () => {
  it('weighs the profile rows at IDF^p and the candidate rows at IDF^q', () => {
    const c = buildContentIndex(features, 4, 1);
    const [p0, p2] = unit(rare ** 4, common ** 4);
    expect(c.weights[0]).toBeCloseTo(p0!, 6);
    expect(c.weights[1]).toBeCloseTo(p2!, 6);
    const slot2 = posting(c, 2);
    expect(Object.keys(slot2)).toEqual(['0', '1', '3']);
    expect(slot2[0]).toBeCloseTo(unit(rare, common)[1]!, 6);
    expect(slot2[1]).toBeCloseTo(unit(mid, common)[1]!, 6);
    expect(slot2[3]).toBeCloseTo(1, 6);
  });

  it('is symmetric when no candidate power is given (the federation and older models)', () => {
    const c = buildContentIndex(features, 3);
    const slot2 = posting(c, 2);
    expect(slot2[0]).toBeCloseTo(c.weights[1]!, 7);
    expect(slot2[1]).toBeCloseTo(c.weights[3]!, 7);
    expect(c.weights[0]).toBeCloseTo(unit(rare ** 3, common ** 3)[0]!, 6);
  });

  it('scores a candidate by its overlap with the listener profile, at the model’s own powers', () => {
    const c = contentIndexOf({ features, params: HYBRID_DEFAULTS });
    expect([HYBRID_DEFAULTS.contentIdfPower, HYBRID_DEFAULTS.contentItemIdfPower]).toEqual([4, 1]);
    const out = new Float32Array(6);
    // A listener who played item 0 (the rare slot 0 and the common slot 2).
    contentScores(c, contentProfile(c, [0]), out);
    const [p0, p2] = unit(rare ** 4, common ** 4);
    expect(out[0]).toBeCloseTo(p0! * unit(rare, common)[0]! + p2! * unit(rare, common)[1]!, 6);
    expect(out[1]).toBeCloseTo(p2! * unit(mid, common)[1]!, 6);
    expect(out[2]).toBe(0);
    expect(out[3]).toBeCloseTo(p2!, 6);
    expect(Array.from(out.subarray(4))).toEqual([0, 0]);
  });
});
