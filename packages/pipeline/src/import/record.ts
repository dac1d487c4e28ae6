import type { Store } from '../store/store.js';

/** Records a finished import in `imports` and `runs`, inside the import's own transaction. */
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
  await store.run('INSERT INTO imports VALUES ($1, $2, $3, current_timestamp, $4)', [importId, kind, path, json]);
  await store.run(
    `INSERT INTO runs (job, started_at, finished_at, status, rows_in, rows_out, summary)
     VALUES ($1, make_timestamp($2::BIGINT * 1000), current_timestamp, 'ok', $3, $4, $5)`,
    [`import ${kind}`, startedMs, rowsIn, rowsOut, json],
  );
}
