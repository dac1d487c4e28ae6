import { describe, expect, it } from 'vitest';
import { coverage, ndcgAtK, precisionAtK, recallAtK } from './metrics.js';
import { chooseOverDefault, HELD_OUT_MARGIN } from './held-out-choice.js';
import { topK } from './top-k.js';

describe('ranking metrics', () => {
  const ranked = [5, 3, 9, 1];
  const relevant = new Set([3, 1, 7]);

  it('recall, precision at k count hits in the top k', () => {
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(ranked, relevant, 4)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(ranked, relevant, 2)).toBeCloseTo(0.5, 12);
    expect(precisionAtK(ranked, relevant, 4)).toBeCloseTo(0.5, 12);
  });

  it('ndcg uses log2 discounts and an ideal of min(|relevant|, k) hits', () => {
    // Hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); IDCG@4 = 1 + 1/log2(3) + 1/2.
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    expect(ndcgAtK(ranked, relevant, 4)).toBeCloseTo(dcg / (1 + 1 / Math.log2(3) + 0.5), 12);
    // At k = 2 only one relevant can be ideal-placed twice: IDCG@2 = 1 + 1/log2(3).
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([3, 1, 7], relevant, 3)).toBe(1);
    expect(ndcgAtK([2, 4], relevant, 2)).toBe(0);
    expect(ndcgAtK([2, 4], new Set(), 2)).toBe(0);
  });

  it('coverage is distinct recommended items over the catalogue', () => {
    expect(coverage([[1, 2], [2, 3], [3, 4]], 10, 2)).toBeCloseTo(0.4, 12);
    expect(coverage([[1, 2, 9]], 10, 2)).toBeCloseTo(0.2, 12);
  });
});

describe('topK', () => {
  it('returns the best indices in order, skipping excluded ones, ties by index', () => {
    const s = [0.1, 0.9, 0.5, 0.9, 0.3, 0.7];
    expect(Array.from(topK(s, 3))).toEqual([1, 3, 5]);
    expect(Array.from(topK(s, 3, [1, 5]))).toEqual([3, 2, 4]);
    expect(Array.from(topK(s, 10))).toEqual([1, 3, 5, 2, 4, 0]);
  });

  it('reads a window of a batch array', () => {
    const s = [9, 9, 9, 1, 3, 2];
    expect(Array.from(topK(s, 2, undefined, 3, 3))).toEqual([1, 2]);
  });
});

describe('a weight chosen on held-out plays', () => {
  const grid = [0, 0.25, 0.5, 0.75, 1];
  it('keeps the default unless another weight beats it by more than the margin', () => {
    expect(chooseOverDefault(grid, [0.1, 0.2, 0.3, 0.5, 0.4], 0.5, 0.1)).toBe(0.75);
    expect(chooseOverDefault(grid, [0.1, 0.2, 0.3, 0.4, 0.35], 0.5, 0.1)).toBe(0.5);
    expect(chooseOverDefault(grid, [0.1, 0.2, 0.3, 0.6, 0.4], 0.5)).toBe(0.5);
    expect(chooseOverDefault(grid, [0.1, 0.2, 0.3, 0.61, 0.4], 0.5)).toBe(0.75);
    expect(HELD_OUT_MARGIN).toBe(0.3);
  });

  it('takes the best weight past the margin, the nearest the default among equals', () => {
    expect(chooseOverDefault(grid, [0.9, 0.2, 0.3, 0.5, 0.4], 0.5, 0.1)).toBe(0);
    expect(chooseOverDefault(grid, [0.9, 0.9, 0.3, 0.5, 0.9], 0.5, 0)).toBe(0.25);
    expect(chooseOverDefault(grid, [0.3, 0.3, 0.3, 0.3, 0.3], 0.5, 0)).toBe(0.5);
  });

  it('refuses a default that is not on the grid', () => {
    expect(() => chooseOverDefault(grid, [0, 0, 0, 0, 0], 0.6)).toThrow('the default weight 0.6 is not on the grid');
  });
});
