import { Rng } from '@mixtape/core';
import { choleskySolve, emptyFeatures, HYBRID_DEFAULTS } from '@mixtape/model';
import { describe, expect, it } from 'vitest';
import { initialTable } from './hub-step.js';
import type { Listens } from './node-step.js';
import { privateAlsFor } from './params.js';
import { trainPrivateAls } from './train.js';

// Without noise, private ALS runs the central hybrid's own steps from sums: the item factors the
// hub solves must be the implicit-ALS item step computed directly from everyone's plays, with the
// hybrid's confidence (relative to 0.03 x each listener's median) and per-observation ridge.
// The reference below is written out plainly from the ALS equations, not from the federation's code.

function listeners(users: number, items: number, seed: number): Listens[] {
  const rng = new Rng(seed);
  return Array.from({ length: users }, () => {
    const picked = rng.shuffle(Int32Array.from({ length: items }, (_, i) => i)).subarray(0, 2 + Math.floor(rng.next() * (items - 2)));
    const sorted = Int32Array.from(picked).sort();
    return { items: sorted, plays: Float64Array.from(sorted, () => 1 + Math.floor(rng.next() * 40)) };
  });
}

/** c = min(1 + log1p(w / (0.03 · median)), 12), as the hybrid weighs plays (its cap never binds here). */
function confidence(x: Listens): number[] {
  const med = [...x.plays].sort((a, b) => a - b)[x.plays.length >> 1]! * 0.03;
  return Array.from(x.plays, (w) => Math.min(1 + Math.log1p(w / med), 12));
}

function solve(a: number[][], b: number[]): number[] {
  const k = b.length;
  return Array.from(choleskySolve(Float64Array.from(a.flat()), Float64Array.from(b), k));
}

/** Σ v vᵀ over rows. */
function gramOf(rows: number[][], k: number): number[][] {
  return Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => rows.reduce((s, v) => s + v[a]! * v[b]!, 0)));
}

/** The implicit-ALS user step against table rows y: (YᵀY + Σ (c − 1) y yᵀ + ridge I) u = Σ c y. */
function userStep(yty: number[][], y: (item: number) => number[], x: Listens, c: number[], ridge: number): number[] {
  const k = yty.length;
  const a = yty.map((r, i) => r.map((v, j) => v + (i === j ? ridge : 0)));
  const b = new Array<number>(k).fill(0);
  x.items.forEach((item, j) => {
    const yi = y(item);
    for (let i = 0; i < k; i++) {
      b[i]! += c[j]! * yi[i]!;
      for (let l = 0; l < k; l++) a[i]![l]! += (c[j]! - 1) * yi[i]! * yi[l]!;
    }
  });
  return solve(a, b);
}

/**
 * One item's row of the item step from what the nodes sent (vectors u, confidences c):
 * (Σ u uᵀ [+ Σ_{u played i} (c − 1) u uᵀ] + (base + 0.3 n_i) I) v_i = Σ c u; also n_i.
 */
function itemStep(utu: number[][], nodes: Listens[], sent: Array<{ u: number[]; c: number[] }>, item: number, base: number, itemGram: boolean): { row: number[]; count: number } {
  const k = utu.length;
  const a = utu.map((r) => [...r]);
  const b = new Array<number>(k).fill(0);
  let count = 0;
  nodes.forEach((x, n) => {
    const j = x.items.indexOf(item);
    if (j < 0) return;
    count++;
    const { u, c } = sent[n]!;
    for (let i = 0; i < k; i++) {
      b[i]! += c[j]! * u[i]!;
      if (itemGram) for (let l = 0; l < k; l++) a[i]![l]! += (c[j]! - 1) * u[i]! * u[l]!;
    }
  });
  for (let i = 0; i < k; i++) a[i]![i]! += base + 0.3 * count;
  return { row: solve(a, b), count };
}

describe('private ALS without noise', () => {
  it('solves exactly the central implicit-ALS item step from the summed statistics', () => {
    const users = 40;
    const items = 14;
    const nodes = listeners(users, items, 5);
    const p = { ...privateAlsFor(users, 0), dim: 4, rounds: 1, seed: 3 };
    const m = trainPrivateAls(nodes, items, emptyFeatures(items), p, 0);
    // Every item someone played is shared, in vocabulary order; counts are exact.
    expect(Array.from(m.shared)).toEqual(Array.from({ length: items }, (_, i) => i));
    const k = p.dim;
    const t0 = initialTable(items, k, p.seed);
    const row = (t: Float32Array, i: number) => Array.from(t.subarray(i * k, (i + 1) * k));
    // User step against the initial table, then the item step with each item's Gramian.
    const y = (i: number) => row(t0, i);
    const yty = gramOf(Array.from({ length: items }, (_, i) => y(i)), k);
    const sent = nodes.map((x) => {
      const c = confidence(x);
      return { u: userStep(yty, y, x, c, p.lambda + 0.3 * x.items.length), c };
    });
    const utu = gramOf(sent.map((x) => x.u), k);
    for (let item = 0; item < items; item++) {
      const want = itemStep(utu, nodes, sent, item, p.lambdaItem, true);
      expect(m.counts[item]).toBe(want.count);
      row(m.sharedTable, item).forEach((v, i) => expect(v).toBeCloseTo(want.row[i]!, 5));
    }
  });

  it("uses the central hybrid's own settings: its factors, steps, confidence, ridges, tag prior and content score", () => {
    const h = HYBRID_DEFAULTS;
    expect(privateAlsFor(1892, 0)).toMatchObject({
      dim: h.factors,
      rounds: h.iterations,
      perUserScale: h.perUserScale,
      lambdaPerObs: h.lambdaPerObs,
      popularityPenalty: h.lambdaPerObs,
      priorWeight: h.priorWeight,
      featureLambda: h.featureLambda,
      contentBeta: h.contentBeta,
      contentIdfPower: h.contentIdfPower,
      contentItemIdfPower: h.contentItemIdfPower,
      rescale: false,
      itemGram: true,
    });
  });
});

describe('the 50,000+ tier (noise off to check its step)', () => {
  it('sums clipped confidences against user vectors shrunk to norm 0.5, without per-item Gramians', () => {
    const users = 40;
    const items = 40;
    const nodes = listeners(users, items, 11);
    const p = { ...privateAlsFor(100_000, 8), dim: 4, rounds: 1, seed: 3 };
    expect(p).toMatchObject({ userNorm: 0.5, clip: 20, itemGram: false, lambdaItem: 50 });
    const m = trainPrivateAls(nodes, items, emptyFeatures(items), p, 0);
    const k = p.dim;
    const t0 = initialTable(items, k, p.seed);
    const y = (i: number) => Array.from(t0.subarray(i * k, (i + 1) * k));
    const gramT = gramOf(Array.from({ length: items }, (_, i) => y(i)), k);
    let shrunk = 0;
    let clipped = 0;
    const sent = nodes.map((x) => {
      const c = confidence(x);
      const u = userStep(gramT, y, x, c, p.lambda + 0.3 * x.items.length);
      const norm = Math.hypot(...u);
      if (norm > 0.5) shrunk++;
      const cn = Math.hypot(...c);
      if (cn > 20) clipped++;
      return { u: norm > 0.5 ? u.map((v) => (v * 0.5) / norm) : u, c: cn > 20 ? c.map((v) => (v * 20) / cn) : c };
    });
    // Both bounds bind for some listeners and not for others, so both branches are checked.
    expect([shrunk > 0 && shrunk < users, clipped > 0 && clipped < users]).toEqual([true, true]);
    // Item step: (Σ_u û ûᵀ + (50 + 0.3 n_i) I) v_i = Σ c̃ û, with no per-item Gramian.
    const utu = gramOf(sent.map((x) => x.u), k);
    for (let item = 0; item < items; item++) {
      const want = itemStep(utu, nodes, sent, item, 50, false).row;
      Array.from(m.sharedTable.subarray(item * k, (item + 1) * k)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    }
  });
});
