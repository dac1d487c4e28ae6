import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { encodeColumn, type CodedColumn } from '@mixtape/model';

/** The DuckDB table function that reads a file by its extension: Parquet or CSV (any delimiter). */
export function tableFunction(path: string): string {
  // Paths cannot be bound as parameters inside a FROM clause; quote them as SQL string literals.
  const lit = `'${path.replace(/'/g, "''")}'`;
  const ext = extname(path).toLowerCase();
  // CSV is read as text so that ids keep their exact spelling ("007" stays "007"); numbers are cast in SQL.
  return ext === '.parquet' || ext === '.pq' ? `read_parquet(${lit})` : `read_csv(${lit}, header = true, auto_detect = true, all_varchar = true)`;
}

/**
 * Reads the named columns of a CSV or Parquet file through an in-memory DuckDB: `numeric` ones as
 * numbers (null where a value is not a number), the rest as strings. `required` columns must exist;
 * missing optional ones come back undefined. Errors name the file.
 */
export async function readColumns(
  path: string,
  required: string[],
  optional: string[] = [],
  what = 'file',
  numeric: string[] = [],
): Promise<Record<string, unknown[] | undefined>> {
  if (!existsSync(path)) {
    throw new MixtapeError('file_not_found', `The ${what} ${path} does not exist`, { suggestion: 'check the path' });
  }
  if (!statSync(path).isFile()) throw new MixtapeError('bad_file', `The ${what} ${path} is not a file`, { suggestion: 'pass a CSV or Parquet file' });
  // Loaded here, not at the top: a plain CSV read by `readCodedColumns` needs no DuckDB at all.
  const { duckdb } = await import('../store/duckdb.js');
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    let names: string[];
    try {
      // DESCRIBE only sniffs a sample of the file; the SELECT below parses it once.
      const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${tableFunction(path)}`);
      names = desc.getRowObjectsJS().map((r) => String(r.column_name));
    } catch (cause) {
      // DuckDB's sniffer gives up on a file whose lines end both ways, and says only that it failed.
      if (mixedLineEnds(path)) {
        throw new MixtapeError('bad_file', `The ${what} ${path} mixes line endings (some lines end in CR LF, others in LF)`, {
          suggestion: 'save it with one kind of line ending (for example with dos2unix)',
          cause,
        });
      }
      throw new MixtapeError('bad_file', `Cannot read the ${what} ${path}: ${firstLine(cause)}`, {
        suggestion: 'pass a CSV with a header row or a Parquet file',
        cause,
      });
    }
    const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
    const missing = required.filter((c) => !lower.has(c));
    if (missing.length > 0 && headerHas(path, required)) {
      // DuckDB's sniffer takes a wider row than the header for the header when rows are uneven.
      throw new MixtapeError('bad_file', `The ${what} ${path} has rows with more columns than its header (${required.join(', ')} are in the header)`, {
        suggestion: 'give every row the same columns as the header',
      });
    }
    if (missing.length > 0) {
      throw new MixtapeError('bad_file', `The ${what} ${path} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (has ${names.join(', ')})`, {
        suggestion: `give it a header with ${required.join(',')}${optional.length ? `[,${optional.join(',')}]` : ''}`,
      });
    }
    const present = [...required, ...optional.filter((c) => lower.has(c))];
    const select = present
      .map((c) => {
        const col = `"${lower.get(c)!.replace(/"/g, '""')}"`;
        return numeric.includes(c) ? `TRY_CAST(${col} AS DOUBLE) AS "${c}"` : `CAST(${col} AS VARCHAR) AS "${c}"`;
      })
      .join(', ');
    // Read chunk by chunk, each column's values as they are (VARCHAR as strings, DOUBLE as numbers,
    // NULL as null): about 12 % faster on HetRec's tags than converting the whole result at once,
    // on the part of `model fit` that no extra thread shortens.
    const cols: Record<string, unknown[]> = Object.fromEntries(present.map((c) => [c, []]));
    const columns = present.map((c) => cols[c]!);
    try {
      const result = await conn.run(`SELECT ${select} FROM ${tableFunction(path)}`);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        for (let c = 0; c < columns.length; c++) {
          const into = columns[c]!;
          for (const v of chunk.getColumnValues(c)) into.push(v);
        }
      }
    } catch (cause) {
      throw new MixtapeError('bad_file', `Cannot read the ${what} ${path}: ${firstLine(cause)}`, {
        suggestion: 'check that every row has the same columns and numbers are numbers',
        cause,
      });
    }
    const out: Record<string, unknown[] | undefined> = {};
    for (const c of [...required, ...optional]) out[c] = cols[c];
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Columns of a file with text columns dictionary-encoded and numeric ones as numbers (NaN where not a number). */
export interface CodedColumns {
  rows: number;
  text: Record<string, CodedColumn | undefined>;
  numbers: Record<string, Float64Array | undefined>;
}

/**
 * `readColumns` for files that feed a model (`model fit`'s interactions and features): the same
 * columns and values, text columns dictionary-encoded. A plain CSV is read without DuckDB (see
 * `plainCsvColumns`); anything else goes through `readColumns` with its checks and errors.
 */
export async function readCodedColumns(
  path: string,
  required: string[],
  optional: string[] = [],
  what = 'file',
  numeric: string[] = [],
): Promise<CodedColumns> {
  const plain = existsSync(path) ? plainCsvColumns(path, required, optional, numeric) : undefined;
  if (plain) return plain;
  const cols = await readColumns(path, required, optional, what, numeric);
  for (const name of required) {
    if (numeric.includes(name)) continue;
    // An empty field comes back as NULL; as text it would become the id "null", shared by every such row.
    const missing = cols[name]!.findIndex((v) => v === null || v === undefined);
    if (missing >= 0) {
      throw new MixtapeError('bad_file', `The ${what} ${path} has no ${name} on data row ${missing + 1}`, {
        suggestion: `give every row a ${name}`,
      });
    }
  }
  const out: CodedColumns = { rows: cols[required[0]!]!.length, text: {}, numbers: {} };
  for (const [name, values] of Object.entries(cols)) {
    if (!values) continue;
    if (numeric.includes(name)) out.numbers[name] = Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v)));
    else out.text[name] = encodeColumn(values);
  }
  return out;
}

/** Files up to this size may be read whole as one string by `plainCsvColumns`. */
const PLAIN_CSV_MAX_BYTES = 256 << 20;
/** A number as `plainCsvColumns` takes it: what DuckDB's cast to DOUBLE reads the same way. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/**
 * The common CSV read in JavaScript, about 4× faster than through DuckDB on HetRec's files (the
 * values cross no native boundary, and each distinct value becomes one string): a header naming the
 * columns, one delimiter (comma, tab, semicolon or bar) found in it, LF line ends (or CR LF on every
 * line), no quotes, no empty fields, every row as wide as the header, numeric columns plain decimal
 * numbers, valid UTF-8.
 * Where a file is all that, the values are exactly DuckDB's (text as written, numbers as DOUBLE);
 * otherwise this returns undefined and DuckDB reads it. `model fit` spends this time on one thread
 * before training can start, so it counts against what extra threads gain.
 */
export function plainCsvColumns(path: string, required: string[], optional: string[], numeric: string[]): CodedColumns | undefined {
  const stat = statSync(path);
  // A directory or device, like anything unusual, is left to DuckDB, which names the problem.
  if (/\.(parquet|pq)$/i.test(path) || !stat.isFile() || stat.size > PLAIN_CSV_MAX_BYTES) return undefined;
  // Read, then decoded: twice as fast in Node 20 as readFileSync(path, 'utf8') (0.5 s against 1 s on 92 MB).
  const text = readFileSync(path).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff || text.includes('"') || text.includes('\uFFFD')) return undefined;
  const newline = text.indexOf('\n');
  // Lines end in LF, or every one in CR LF (Windows); any other CR (mixed endings, a CR in a value) is left to DuckDB.
  const cr = newline > 0 && text.charCodeAt(newline - 1) === 13 ? 1 : 0;
  if (cr === 0 && text.includes('\r')) return undefined;
  const headEnd = newline - cr;
  if (headEnd <= 0) return undefined;
  const header = text.slice(0, headEnd);
  const delims = [',', '\t', ';', '|'].filter((d) => header.includes(d));
  if (delims.length !== 1) return undefined;
  const delim = delims[0]!;
  const names = header.split(delim).map((n) => n.toLowerCase());
  if (new Set(names).size !== names.length || names.some((n) => n === '' || n.trim() !== n)) return undefined;
  if (!required.every((c) => names.includes(c))) return undefined;
  const present = [...required, ...optional.filter((c) => names.includes(c))];
  // For each field of a row: the wanted column it fills, or -1.
  const slot = names.map((n) => present.indexOf(n));
  const isNumber = present.map((c) => numeric.includes(c));
  // Rows expected from the first lines' length, so the columns seldom grow.
  const sample = text.slice(newline + 1, newline + 1 + 65_536);
  const sampleLines = sample.split('\n').length - 1;
  let capacity = sampleLines > 0 ? Math.ceil((1.05 * (text.length - newline)) / (sample.length / sampleLines)) + 16 : 1024;
  const seen = present.map(() => new Map<string, number>());
  const dicts = present.map((): string[] => []);
  let codes = present.map((_, i) => new Int32Array(isNumber[i] ? 0 : capacity));
  let numbers = present.map((_, i) => new Float64Array(isNumber[i] ? capacity : 0));
  let rows = 0;
  let crs = cr;
  const end = text.length;
  for (let pos = newline + 1; pos < end; ) {
    let next = text.indexOf('\n', pos);
    if (next < 0) next = end;
    // Under CR LF every line with a newline ends in CR; the last line may lack both.
    const lineEnd = cr && next < end ? next - 1 : next;
    if (lineEnd !== next) {
      if (text.charCodeAt(lineEnd) !== 13) return undefined;
      crs++;
    }
    if (lineEnd <= pos) return undefined; // an empty line: DuckDB decides what it means
    if (rows === capacity) {
      capacity *= 2;
      codes = codes.map((a, i) => grow(a, new Int32Array(isNumber[i] ? 0 : capacity)));
      numbers = numbers.map((a, i) => grow(a, new Float64Array(isNumber[i] ? capacity : 0)));
    }
    for (let f = 0, start = pos; f < names.length; f++) {
      let stop = text.indexOf(delim, start);
      if (stop < 0 || stop > lineEnd) stop = lineEnd;
      if (stop === start || (f < names.length - 1) === (stop === lineEnd)) return undefined; // empty field, or a row narrower or wider than the header
      const c = slot[f]!;
      if (c >= 0) {
        const value = text.slice(start, stop);
        if (isNumber[c]) {
          if (!PLAIN_NUMBER.test(value)) return undefined;
          numbers[c]![rows] = Number(value);
        } else {
          let code = seen[c]!.get(value);
          if (code === undefined) {
            code = dicts[c]!.length;
            seen[c]!.set(value, code);
            dicts[c]!.push(ownCopy(value));
          }
          codes[c]![rows] = code;
        }
      }
      start = stop + 1;
    }
    rows++;
    pos = next + 1;
  }
  // A CR anywhere but before a newline (inside a value, or ending the last line) is left to DuckDB.
  if (cr && crs !== countOf(text, '\r')) return undefined;
  const out: CodedColumns = { rows, text: {}, numbers: {} };
  present.forEach((c, i) => {
    if (isNumber[i]) out.numbers[c] = numbers[i]!.slice(0, rows);
    else out.text[c] = { dict: dicts[i]!, codes: codes[i]!.slice(0, rows) };
  });
  return out;
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * A string that does not point into the file's text: V8 makes a longer slice a view of its parent,
 * and the ids are kept (in the model) long after the text could be freed.
 */
function ownCopy(value: string): string {
  return value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
}

function grow<T extends Int32Array | Float64Array>(from: T, into: T): T {
  if (from.length) into.set(from);
  return into;
}

/** The first `bytes` of a text file as a string (none for Parquet). */
function head(path: string, bytes: number): string {
  if (/\.(parquet|pq)$/i.test(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Whether a CSV's first line names every one of `columns` (any usual delimiter); false for Parquet. */
function headerHas(path: string, columns: string[]): boolean {
  const names = new Set(head(path, 4096).split(/\r?\n/)[0]!.split(/[,;\t|]/).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase()));
  return columns.every((c) => names.has(c));
}

/** True when the file's first 64 KiB has lines ending in CR LF and lines ending in a bare LF. */
function mixedLineEnds(path: string): boolean {
  const text = head(path, 65_536);
  return /\r\n/.test(text) && /(^|[^\r])\n/.test(text);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
