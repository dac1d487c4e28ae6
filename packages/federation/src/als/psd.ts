/**
 * Eigen-decomposition of a symmetric k x k matrix by cyclic Jacobi rotations (k is small: the
 * model's dimension). Returns eigenvalues and the eigenvectors as columns of a row-major matrix.
 */
export function symmetricEigen(m: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]!;
          const arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]!;
          const aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p]!;
          const vrq = v[r * k + q]!;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: k }, (_, i) => a[i * k + i]!), vectors: v };
}

/**
 * The nearest positive semi-definite matrix (Frobenius): eigenvalues below `floor` raised to it.
 * Noise can make a released Gramian indefinite; projecting it is post-processing and keeps every
 * solve well posed.
 */
export function projectPsd(m: Float64Array, k: number, floor = 0): Float64Array {
  const { values, vectors } = symmetricEigen(m, k);
  const out = new Float64Array(k * k);
  for (let e = 0; e < k; e++) {
    const l = Math.max(values[e]!, floor);
    if (l === 0) continue;
    for (let i = 0; i < k; i++) {
      const vi = vectors[i * k + e]! * l;
      if (vi === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j]! += vi * vectors[j * k + e]!;
    }
  }
  return out;
}
