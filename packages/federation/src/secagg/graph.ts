import { createHash } from 'node:crypto';
import { seededWords, uniformBelow } from './random.js';

/**
 * The sparse neighbour graph of Bell et al. (CCS 2020): a Harary graph H(n, k) (nodes on a ring,
 * each joined to the k/2 nearest on either side) over a random permutation drawn from the round's
 * public seed, so every node derives the same graph and nobody chooses their neighbours. A node
 * masks with, and shares its secrets among, only its k neighbours: its cost grows with k = O(log n).
 */
export interface NeighbourGraph {
  n: number;
  k: number;
  /** Shares needed to rebuild a secret: more than half the neighbours, so a hub that lies about who dropped cannot collect both secrets of one node. */
  threshold: number;
  /** Neighbours of node i (index in the sorted member list). */
  neighbours(i: number): number[];
}

/** log P[Binomial(k, p) < t] by summing the lower tail in log space. */
function logLowerTail(k: number, p: number, t: number): number {
  let logC = 0;
  let best = Number.NEGATIVE_INFINITY;
  const terms: number[] = [];
  for (let j = 0; j < t; j++) {
    if (j > 0) logC += Math.log((k - j + 1) / j);
    const term = logC + j * Math.log(p) + (k - j) * Math.log(1 - p);
    terms.push(term);
    best = Math.max(best, term);
  }
  return best + Math.log(terms.reduce((s, x) => s + Math.exp(x - best), 0));
}

/** Shares needed out of k neighbours. */
export function thresholdOf(k: number): number {
  return Math.floor(k / 2) + 1;
}

/**
 * The smallest even degree k (at most 254: Shamir over GF(256) has 255 shares) for which, when each
 * node drops with probability `dropout`, some node keeps fewer than threshold(k) neighbours with
 * probability at most 2^-failureBits over all n nodes (the round then aborts, safely); n - 1 (everyone) when that is smaller.
 */
export function chooseDegree(n: number, dropout: number, failureBits = 10): number {
  if (n <= 1) return 0;
  const target = -failureBits * Math.LN2 - Math.log(n);
  for (let k = 2; k <= 254; k += 2) {
    if (k >= n - 1) return n - 1;
    if (dropout <= 0 || logLowerTail(k, 1 - dropout, thresholdOf(k)) <= target) return k;
  }
  return Math.min(254, n - 1);
}

/** The round's seed for the graph: a hash of the round's public context and every member's id. */
export function graphSeed(context: string, members: string[]): string {
  const h = createHash('sha256').update(`mixtape-secagg-graph\0${context}`);
  for (const m of members) h.update(`\0${m}`);
  return h.digest('hex');
}

/** The graph over n members (sorted ids, indexed 0..n-1) for degree k and seed. */
export function harary(n: number, k: number, seed: string): NeighbourGraph {
  const complete = k >= n - 1;
  const kk = complete ? n - 1 : k - (k % 2);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const src = seededWords(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(src, i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  // perm[position] = member; pos[member] = position on the ring.
  const pos = new Int32Array(n);
  perm.forEach((m, p) => (pos[m] = p));
  return {
    n,
    k: kk,
    threshold: thresholdOf(kk),
    neighbours(i) {
      if (complete) return Array.from({ length: n - 1 }, (_, j) => (j < i ? j : j + 1));
      const p = pos[i]!;
      const out: number[] = [];
      for (let d = 1; d <= kk / 2; d++) out.push(perm[(p + d) % n]!, perm[(p - d + n) % n]!);
      return out;
    },
  };
}

/**
 * The smallest connected piece of the graph restricted to `alive` members (0 when none is alive).
 * The hub can unmask the sum of each piece on its own, so every piece must reach the minimum.
 */
export function smallestComponent(g: NeighbourGraph, alive: ReadonlySet<number>): number {
  const seen = new Uint8Array(g.n);
  let smallest = alive.size === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (const start of alive) {
    if (seen[start]) continue;
    seen[start] = 1;
    let size = 0;
    const stack = [start];
    while (stack.length > 0) {
      const v = stack.pop()!;
      size++;
      for (const w of g.neighbours(v)) if (alive.has(w) && !seen[w]) {
        seen[w] = 1;
        stack.push(w);
      }
    }
    smallest = Math.min(smallest, size);
  }
  return smallest;
}
