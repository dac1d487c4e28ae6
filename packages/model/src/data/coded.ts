/**
 * A column of string values with each distinct value stored once: row r holds `dict[codes[r]]`.
 * Readers that already know the distinct values (a CSV read once, DuckDB) hand them over this way,
 * so that per-value work (id lookups, feature hashing) is done once per distinct value, not per row.
 */
export interface CodedColumn {
  readonly dict: readonly string[];
  readonly codes: Int32Array;
}

/** Dictionary-encodes values (each read as a string), distinct values in first-seen order. */
export function encodeColumn(values: ArrayLike<unknown>): CodedColumn {
  const seen = new Map<string, number>();
  const dict: string[] = [];
  const codes = new Int32Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = String(values[r]);
    let c = seen.get(v);
    if (c === undefined) {
      c = dict.length;
      seen.set(v, c);
      dict.push(v);
    }
    codes[r] = c;
  }
  return { dict, codes };
}
