import type { Store } from './store.js';

/**
 * A digest of every persistent table (row count and an order-independent hash of the rows):
 * equal fingerprints mean the data is the same. Tests use it to prove a failed import wrote nothing.
 */
export async function fingerprint(store: Store): Promise<Record<string, string>> {
  const tables = await store.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const row = await store.one<{ n: number; h: string | null }>(`SELECT count(*) AS n, sum(hash(t))::VARCHAR AS h FROM "${name}" t`);
    out[name] = `${row?.n ?? 0}:${row?.h ?? ''}`;
  }
  return out;
}
