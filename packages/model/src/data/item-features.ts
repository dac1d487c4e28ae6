import { encodeColumn, type CodedColumn } from './coded.js';
import { hashString } from './hash.js';

/**
 * Item side information as CSR over hashed feature slots: item i has features
 * `indices[indptr[i]..indptr[i+1]]` with `weights`, each row L1-normalized so that an item's
 * feature vector is a weighted mean of its features' embeddings. Hashing into a fixed number of
 * slots keeps the table size independent of the vocabulary (and shared across listeners).
 */
export interface ItemFeatures {
  readonly slots: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float32Array;
}

/** One (item, feature, weight) row; feature is any string ("tag:shoegaze", "artist:Slowdive"). */
export interface FeatureColumns {
  items: ArrayLike<string>;
  features: ArrayLike<string>;
  weights?: ArrayLike<number>;
}

/**
 * Default size of the hashed feature table. Large enough that rare tags seldom collide: on HetRec
 * (9,749 tags) 4,096 slots cost about 1% NDCG@10 against 16,384, because rare tags carry the signal.
 */
export const DEFAULT_SLOTS = 16384;

/** Hash slot of a feature name. */
export function featureSlot(feature: string, slots: number): number {
  return hashString(feature) % slots;
}

/**
 * Builds hashed, row-normalized item features aligned to `itemIds`; rows for unknown items are
 * ignored and weights of a repeated (item, slot) pair add up. Weights are damped with log(1 + w).
 */
export function buildItemFeatures(itemIds: readonly string[], cols: FeatureColumns, slots = DEFAULT_SLOTS): ItemFeatures {
  return buildCodedItemFeatures(itemIds, { items: encodeColumn(cols.items), features: encodeColumn(cols.features), ...(cols.weights ? { weights: cols.weights } : {}) }, slots);
}

/** (item, feature, weight) rows with dictionary-encoded item and feature columns. */
export interface CodedFeatureColumns {
  items: CodedColumn;
  features: CodedColumn;
  weights?: ArrayLike<number>;
}

/** `buildItemFeatures` for dictionary-encoded columns (each distinct item looked up and feature hashed once). */
export function buildCodedItemFeatures(itemIds: readonly string[], cols: CodedFeatureColumns, slots = DEFAULT_SLOTS): ItemFeatures {
  const index = new Map<string, number>();
  itemIds.forEach((id, i) => index.set(id, i));
  const itemOf = Int32Array.from(cols.items.dict, (id) => index.get(id) ?? -1);
  const slotOf = Int32Array.from(cols.features.dict, (f) => featureSlot(f, slots));
  // Kept rows grouped by item (a counting sort, row order kept within an item).
  const n = cols.items.codes.length;
  const start = new Int32Array(itemIds.length + 1);
  const itemAt = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r++) {
    const i = itemOf[cols.items.codes[r]!]!;
    const w = cols.weights ? Number(cols.weights[r]) : 1;
    if (i < 0 || !(w > 0) || !Number.isFinite(w)) continue;
    itemAt[r] = i;
    start[i + 1]!++;
  }
  for (let i = 0; i < itemIds.length; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, itemIds.length);
  const slotBy = new Int32Array(start[itemIds.length]!);
  const weightBy = new Float64Array(slotBy.length);
  for (let r = 0; r < n; r++) {
    const i = itemAt[r]!;
    if (i < 0) continue;
    const p = fill[i]!++;
    slotBy[p] = slotOf[cols.features.codes[r]!]!;
    weightBy[p] = cols.weights ? Number(cols.weights[r]) : 1;
  }
  // Each item's slots in ascending order, a repeated slot's weights added in row order; each row
  // then weighted by log(1 + w) and normalized to sum 1.
  const indptr = new Int32Array(itemIds.length + 1);
  const idx = new Int32Array(slotBy.length);
  const summed = new Float64Array(slotBy.length);
  let out = 0;
  for (let i = 0; i < itemIds.length; i++) {
    const s = start[i]!;
    const e = start[i + 1]!;
    // Insertion sort, stable: rows are few per item.
    for (let a = s + 1; a < e; a++) {
      const slot = slotBy[a]!;
      const w = weightBy[a]!;
      let b = a - 1;
      for (; b >= s && slotBy[b]! > slot; b--) {
        slotBy[b + 1] = slotBy[b]!;
        weightBy[b + 1] = weightBy[b]!;
      }
      slotBy[b + 1] = slot;
      weightBy[b + 1] = w;
    }
    const first = out;
    for (let a = s; a < e; a++) {
      if (out > first && idx[out - 1] === slotBy[a]) summed[out - 1]! += weightBy[a]!;
      else {
        idx[out] = slotBy[a]!;
        summed[out++] = weightBy[a]!;
      }
    }
    let total = 0;
    for (let a = first; a < out; a++) total += Math.log1p(summed[a]!);
    for (let a = first; a < out; a++) summed[a] = Math.log1p(summed[a]!) / total;
    indptr[i + 1] = out;
  }
  return { slots, indptr, indices: idx.slice(0, out), weights: Float32Array.from(summed.subarray(0, out)) };
}

/** Features with no rows, for items without side information. */
export function emptyFeatures(nItems: number, slots = DEFAULT_SLOTS): ItemFeatures {
  return { slots, indptr: new Int32Array(nItems + 1), indices: new Int32Array(0), weights: new Float32Array(0) };
}
