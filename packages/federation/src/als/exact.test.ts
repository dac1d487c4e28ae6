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
    // User step against the initial table: (YᵀY + Σ (c − 1) y yᵀ + (λ + 0.3 n_u) I) u = Σ c y.
    const yty = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
      let s = 0;
      for (let i = 0; i < items; i++) s += t0[i * k + a]! * t0[i * k + b]!;
      return s;
    }));
    const conf = nodes.map(confidence);
    const u = nodes.map((x, n) => {
      const a = yty.map((r, i) => r.map((v, j) => v + (i === j ? p.lambda + 0.3 * x.items.length : 0)));
      const b = new Array<number>(k).fill(0);
      x.items.forEach((item, j) => {
        const y = row(t0, item);
        const c = conf[n]![j]!;
        for (let i = 0; i < k; i++) {
          b[i]! += c * y[i]!;
          for (let l = 0; l < k; l++) a[i]![l]! += (c - 1) * y[i]! * y[l]!;
        }
      });
      return solve(a, b);
    });
    // Item step: (Σ_u u uᵀ + Σ_{u played i} (c − 1) u uᵀ + (1 + 0.3 n_i) I) v_i = Σ c u.
    const utu = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => u.reduce((s, v) => s + v[a]! * v[b]!, 0)));
    for (let item = 0; item < items; item++) {
      const a = utu.map((r) => [...r]);
      const b = new Array<number>(k).fill(0);
      let count = 0;
      nodes.forEach((x, n) => {
        const j = x.items.indexOf(item);
        if (j < 0) return;
        count++;
        const c = conf[n]![j]!;
        for (let i = 0; i < k; i++) {
          b[i]! += c * u[n]![i]!;
          for (let l = 0; l < k; l++) a[i]![l]! += (c - 1) * u[n]![i]! * u[n]![l]!;
        }
      });
      for (let i = 0; i < k; i++) a[i]![i]! += p.lambdaItem + 0.3 * count;
      expect(m.counts[item]).toBe(count);
      const want = solve(a, b);
      row(m.sharedTable, item).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
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
    const gramT = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => Array.from({ length: items }, (_, i) => y(i)[a]! * y(i)[b]!).reduce((s, v) => s + v, 0)));
    let shrunk = 0;
    let clipped = 0;
    const sent = nodes.map((x) => {
      const c = confidence(x);
      const a = gramT.map((r, i) => r.map((v, j) => v + (i === j ? p.lambda + 0.3 * x.items.length : 0)));
      const b = new Array<number>(k).fill(0);
      x.items.forEach((item, j) => {
        for (let i = 0; i < k; i++) {
          b[i]! += c[j]! * y(item)[i]!;
          for (let l = 0; l < k; l++) a[i]![l]! += (c[j]! - 1) * y(item)[i]! * y(item)[l]!;
        }
      });
      const u = solve(a, b);
      const norm = Math.hypot(...u);
      if (norm > 0.5) shrunk++;
      const cn = Math.hypot(...c);
      if (cn > 20) clipped++;
      return { u: norm > 0.5 ? u.map((v) => (v * 0.5) / norm) : u, c: cn > 20 ? c.map((v) => (v * 20) / cn) : c };
    });
    // Both bounds bind for some listeners and not for others, so both branches are checked.
    expect([shrunk > 0 && shrunk < users, clipped > 0 && clipped < users]).toEqual([true, true]);
    // Item step: (Σ_u û ûᵀ + (50 + 0.3 n_i) I) v_i = Σ c̃ û, with no per-item Gramian.
    const utu = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => sent.reduce((s, v) => s + v.u[a]! * v.u[b]!, 0)));
    for (let item = 0; item < items; item++) {
      const a = utu.map((r) => [...r]);
      const b = new Array<number>(k).fill(0);
      let count = 0;
      nodes.forEach((x, n) => {
        const j = x.items.indexOf(item);
        if (j < 0) return;
        count++;
        for (let i = 0; i < k; i++) b[i]! += sent[n]!.c[j]! * sent[n]!.u[i]!;
      });
      for (let i = 0; i < k; i++) a[i]![i]! += 50 + 0.3 * count;
      const want = solve(a, b);
      Array.from(m.sharedTable.subarray(item * k, (item + 1) * k)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    }
  });
});
