import { duckdb } from './duckdb.js';
import type { Store } from './store.js';

export type ColumnType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';
export type Cell = string | number | boolean | null | undefined;

/**
 * Creates a temp table and fills it through DuckDB's appender (never row-by-row INSERTs).
 * TIMESTAMP cells are epoch milliseconds (UTC).
 */
export async function appendTempTable(
  store: Store,
  name: string,
  columns: ReadonlyArray<readonly [string, ColumnType]>,
  rows: Iterable<ReadonlyArray<Cell>>,
): Promise<number> {
  await store.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`);
  const app = await store.conn.createAppender(name, 'main', 'temp');
  let n = 0;
  try {
    for (const row of rows) {
      columns.forEach(([, type], i) => {
        const v = row[i];
        if (v === null || v === undefined) app.appendNull();
        else if (type === 'VARCHAR') app.appendVarchar(String(v));
        else if (type === 'BIGINT') app.appendBigInt(BigInt(Math.trunc(Number(v))));
        else if (type === 'DOUBLE') app.appendDouble(Number(v));
        else if (type === 'BOOLEAN') app.appendBoolean(Boolean(v));
        else app.appendTimestamp(new duckdb.DuckDBTimestampValue(BigInt(Math.trunc(Number(v))) * 1000n));
      });
      app.endRow();
      n++;
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  return n;
}

/** Quotes a string as a SQL literal (for table-function arguments, which cannot be bound). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
