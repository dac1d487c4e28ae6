import type { Store } from '../store/store.js';

/**
 * Records a finished import in `imports` and `runs`, inside the import's own transaction. Both
 * times come from the clock: DuckDB's current_timestamp is when the transaction began.
 */
export async function recordImport(
  store: Store,
  importId: string,
  kind: string,
  path: string,
  summary: object,
  startedMs: number,
  rowsIn: number,
  rowsOut: number,
): Promise<void> {
  const json = JSON.stringify(summary);
  const finishedMs = Date.now();
  await store.run('INSERT INTO imports VALUES ($1, $2, $3, make_timestamp($4::BIGINT * 1000), $5)', [importId, kind, path, finishedMs, json]);
  await store.run(
    `INSERT INTO runs (job, started_at, finished_at, status, rows_in, rows_out, summary)
     VALUES ($1, make_timestamp($2::BIGINT * 1000), make_timestamp($3::BIGINT * 1000), 'ok', $4, $5, $6)`,
    [`import ${kind}`, startedMs, finishedMs, rowsIn, rowsOut, json],
  );
}
