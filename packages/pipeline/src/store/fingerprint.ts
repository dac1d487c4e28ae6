import type { Store } from './store.js';

/**
 * A digest of every persistent table (row count and an order-independent hash of the rows):
 * equal fingerprints mean the data is the same. Tests use it to prove a failed import wrote nothing;
 * the pipeline runner uses it, `except` the tables a stage declares, to prove the stage wrote no other.
 */
export async function fingerprint(store: Store, options: { except?: readonly string[] } = {}): Promise<Record<string, string>> {
  const skip = new Set(options.except ?? []);
  const tables = await store.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (skip.has(name)) continue;
    const row = await store.one<{ n: number; h: string | null }>(`SELECT count(*) AS n, sum(hash(t))::VARCHAR AS h FROM "${name.replace(/"/g, '""')}" t`);
    out[name] = `${row?.n ?? 0}:${row?.h ?? ''}`;
  }
  return out;
}

/** The tables whose digest differs between two fingerprints, including tables created or dropped. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).sort();
}
