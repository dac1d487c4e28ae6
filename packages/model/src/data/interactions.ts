import { MixtapeError } from '@mixtape/core';
import { encodeColumn, type CodedColumn } from './coded.js';

/**
 * User-item interactions as CSR typed arrays: the items of user u are
 * `indices[indptr[u]..indptr[u+1]]` (sorted ascending) with weights `values[...]` (raw, e.g. play counts).
 */
export interface Interactions {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Columns of interaction rows: parallel arrays of user id, item id and weight. */
export interface InteractionColumns {
  users: ArrayLike<string>;
  items: ArrayLike<string>;
  weights?: ArrayLike<number>;
}

/** Index maps from string id to dense index, kept in first-seen order. */
export class IdIndex {
  readonly ids: string[] = [];
  private readonly map = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  add(id: string): number {
    let i = this.map.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.map.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  get(id: string): number | undefined {
    return this.map.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

/**
 * Builds CSR interactions from rows; duplicate (user, item) pairs are summed, non-positive or
 * non-finite weights are dropped. `itemIndex` lets a caller fix the item vocabulary in advance.
 */
export function buildInteractions(cols: InteractionColumns, itemIndex = new IdIndex(), userIndex = new IdIndex()): Interactions {
  if (cols.items.length !== cols.users.length || (cols.weights && cols.weights.length !== cols.users.length)) {
    throw new MixtapeError('bad_interactions', 'Interaction columns have different lengths', {
      suggestion: 'pass one user, item and weight per row',
    });
  }
  return buildCodedInteractions({ users: encodeColumn(cols.users), items: encodeColumn(cols.items), ...(cols.weights ? { weights: cols.weights } : {}) }, itemIndex, userIndex);
}

/** Interaction rows with dictionary-encoded user and item columns. */
export interface CodedInteractionColumns {
  users: CodedColumn;
  items: CodedColumn;
  weights?: ArrayLike<number>;
}

/**
 * `buildInteractions` for dictionary-encoded columns: ids are numbered in the order they first
 * appear on a kept row, as there, so both give the same interactions for the same rows.
 */
export function buildCodedInteractions(cols: CodedInteractionColumns, itemIndex = new IdIndex(), userIndex = new IdIndex()): Interactions {
  const n = cols.users.codes.length;
  if (cols.items.codes.length !== n || (cols.weights && cols.weights.length !== n)) {
    throw new MixtapeError('bad_interactions', 'Interaction columns have different lengths', {
      suggestion: 'pass one user, item and weight per row',
    });
  }
  const userOf = new Int32Array(cols.users.dict.length).fill(-1);
  const itemOf = new Int32Array(cols.items.dict.length).fill(-1);
  const u = new Int32Array(n);
  const it = new Int32Array(n);
  const w = new Float64Array(n);
  let m = 0;
  for (let r = 0; r < n; r++) {
    const weight = cols.weights ? Number(cols.weights[r]) : 1;
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    const uc = cols.users.codes[r]!;
    const ic = cols.items.codes[r]!;
    u[m] = userOf[uc]! >= 0 ? userOf[uc]! : (userOf[uc] = userIndex.add(cols.users.dict[uc]!));
    it[m] = itemOf[ic]! >= 0 ? itemOf[ic]! : (itemOf[ic] = itemIndex.add(cols.items.dict[ic]!));
    w[m] = weight;
    m++;
  }
  return fromTriples(userIndex.ids, itemIndex.ids, u.subarray(0, m), it.subarray(0, m), w.subarray(0, m));
}

/** CSR from index triples (rows need not be sorted); duplicates are summed. */
export function fromTriples(
  userIds: readonly string[],
  itemIds: readonly string[],
  u: ArrayLike<number>,
  it: ArrayLike<number>,
  w: ArrayLike<number>,
): Interactions {
  const nU = userIds.length;
  const counts = new Int32Array(nU + 1);
  for (let r = 0; r < u.length; r++) counts[u[r]! + 1]!++;
  for (let i = 0; i < nU; i++) counts[i + 1]! += counts[i]!;
  const pos = counts.slice(0, nU);
  const idx = new Int32Array(u.length);
  const val = new Float64Array(u.length);
  for (let r = 0; r < u.length; r++) {
    const p = pos[u[r]!]!++;
    idx[p] = it[r]!;
    val[p] = w[r]!;
  }
  // Sort each row by item and merge duplicates.
  const indptr = new Int32Array(nU + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  for (let i = 0; i < nU; i++) {
    const s = counts[i]!;
    const e = counts[i + 1]!;
    const order = Array.from({ length: e - s }, (_, k) => s + k).sort((a, b) => idx[a]! - idx[b]!);
    let last = -1;
    for (const p of order) {
      if (idx[p] === last) outVal[outVal.length - 1]! += val[p]!;
      else {
        outIdx.push(idx[p]!);
        outVal.push(val[p]!);
        last = idx[p]!;
      }
    }
    indptr[i + 1] = outIdx.length;
  }
  return { userIds, itemIds, indptr, indices: Int32Array.from(outIdx), values: Float32Array.from(outVal) };
}

/** Number of stored (user, item) pairs. */
export function nnz(x: Interactions): number {
  return x.indices.length;
}

/** The transpose: items as rows, users as columns. */
export function transpose(x: Interactions): Interactions {
  const nI = x.itemIds.length;
  const counts = new Int32Array(nI + 1);
  for (let p = 0; p < x.indices.length; p++) counts[x.indices[p]! + 1]!++;
  for (let i = 0; i < nI; i++) counts[i + 1]! += counts[i]!;
  const pos = counts.slice(0, nI);
  const indices = new Int32Array(x.indices.length);
  const values = new Float32Array(x.indices.length);
  for (let u = 0; u < x.userIds.length; u++) {
    for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) {
      const q = pos[x.indices[p]!]!++;
      indices[q] = u;
      values[q] = x.values[p]!;
    }
  }
  return { userIds: x.itemIds, itemIds: x.userIds, indptr: counts, indices, values };
}

/** Per-item count of users who interacted with it. */
export function itemCounts(x: Interactions): Float64Array {
  const c = new Float64Array(x.itemIds.length);
  for (let p = 0; p < x.indices.length; p++) c[x.indices[p]!]!++;
  return c;
}

/** A copy with every weight mapped through `f` (e.g. a confidence transform). */
export function mapValues(x: Interactions, f: (w: number, user: number) => number): Interactions {
  const values = new Float32Array(x.values.length);
  for (let u = 0; u < x.userIds.length; u++) {
    for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) values[p] = f(x.values[p]!, u);
  }
  return { ...x, values };
}
