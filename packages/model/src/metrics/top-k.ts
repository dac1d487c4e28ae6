/**
 * Indices of the k largest scores in `scores[offset..offset+n)`, best first, skipping any index in
 * `exclude` (sorted ascending, e.g. a user's CSR row of seen items). A bounded min-heap: O(n log k).
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: ArrayLike<number>,
  offset = 0,
  n = scores.length - offset,
): Int32Array {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  let ex = 0;
  const exLen = exclude ? exclude.length : 0;
  for (let i = 0; i < n; i++) {
    if (exclude && ex < exLen) {
      while (ex < exLen && exclude[ex]! < i) ex++;
      if (ex < exLen && exclude[ex] === i) continue;
    }
    const v = scores[offset + i]!;
    if (v !== v) continue;
    if (size < k) {
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heapVal[parent]! <= v) break;
        heapVal[c] = heapVal[parent]!;
        heapIdx[c] = heapIdx[parent]!;
        c = parent;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    } else if (v > heapVal[0]!) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && heapVal[r]! < heapVal[l]! ? r : l;
        if (heapVal[m]! >= v) break;
        heapVal[c] = heapVal[m]!;
        heapIdx[c] = heapIdx[m]!;
        c = m;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    }
  }
  // Sort descending by score; ties by lower index first so results are deterministic.
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => heapVal[b]! - heapVal[a]! || heapIdx[a]! - heapIdx[b]!);
  return Int32Array.from(order, (j) => heapIdx[j]!);
}
