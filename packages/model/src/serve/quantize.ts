/** A row-major table stored as int8 codes with one float32 scale per row: value ≈ code × scale. */
export interface Int8Table {
  rows: number;
  k: number;
  codes: Int8Array;
  scales: Float32Array;
}

/** Symmetric per-row int8 quantization: scale = max|row| / 127, codes rounded to nearest. */
export function quantizeRows(table: Float32Array, rows: number, k: number): Int8Table {
  const codes = new Int8Array(rows * k);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let max = 0;
    for (let a = 0; a < k; a++) max = Math.max(max, Math.abs(table[o + a]!));
    const scale = max / 127;
    scales[r] = scale;
    if (scale === 0) continue;
    for (let a = 0; a < k; a++) codes[o + a] = Math.max(-127, Math.min(127, Math.round(table[o + a]! / scale)));
  }
  return { rows, k, codes, scales };
}

/** Float32 values of an int8 table (code × row scale). */
export function dequantizeRows(q: Int8Table): Float32Array {
  const out = new Float32Array(q.rows * q.k);
  for (let r = 0; r < q.rows; r++) {
    const s = q.scales[r]!;
    for (let a = 0; a < q.k; a++) out[r * q.k + a] = q.codes[r * q.k + a]! * s;
  }
  return out;
}

/** Bytes an item table takes on disk in each format. */
export function tableBytes(rows: number, k: number, dtype: 'float32' | 'int8'): number {
  return dtype === 'float32' ? rows * k * 4 : rows * k + rows * 4;
}

/** An item table as served: float32 rows, or int8 codes with a scale per row. */
export type ItemTable = Float32Array | Int8Table;

/** Row i of a float32 or int8 table as float values in `out` (one row: nothing catalogue-sized). */
export function itemRow(table: ItemTable, k: number, i: number, out: Float32Array | Float64Array): Float32Array | Float64Array {
  if (table instanceof Float32Array) {
    for (let a = 0; a < k; a++) out[a] = table[i * k + a]!;
  } else {
    const s = table.scales[i]!;
    for (let a = 0; a < k; a++) out[a] = table.codes[i * k + a]! * s;
  }
  return out;
}

/** The k×k Gramian Σ_i v_i v_iᵀ of an int8 table, row by row (Σ scale_i² · c_i c_iᵀ). */
export function int8Gramian(q: Int8Table): Float64Array {
  const { k, codes, scales } = q;
  const g = new Float64Array(k * k);
  for (let r = 0; r < q.rows; r++) {
    const s2 = scales[r]! * scales[r]!;
    if (s2 === 0) continue;
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const ca = codes[o + a]! * s2;
      if (ca === 0) continue;
      for (let b = a; b < k; b++) g[a * k + b]! += ca * codes[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
  return g;
}
