import { MixtapeError } from '@mixtape/core';
import { Store, type OpenOptions, type Row } from '../store/store.js';

const READ_ONLY_START = /^\s*(select|with|from|show|describe|summarize|explain|values|table|pivot|unpivot)\b/i;

export interface QueryResult {
  columns: string[];
  rows: Row[];
}

/**
 * Runs one read-only SQL statement over the store. The database is opened read-only, so even a
 * statement that slipped past the keyword check cannot change it.
 */
export async function runQuery(sql: string, options: OpenOptions = {}): Promise<QueryResult> {
  if (!READ_ONLY_START.test(sql.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/g, ''))) {
    throw new MixtapeError('read_only_query', 'mixtape query runs read-only SQL: SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE or EXPLAIN', {
      suggestion: 'use the import, enrich or train commands to change data',
    });
  }
  // Create and migrate the database first if it is new, then reopen it read-only.
  (await Store.open(options)).close();
  const store = await Store.open({ ...options, readOnly: true });
  try {
    const reader = await store.conn.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = await store.all(sql);
    return { columns, rows };
  } catch (cause) {
    if (cause instanceof MixtapeError) throw cause;
    const msg = (cause as Error).message.split('\n')[0]!;
    throw new MixtapeError('query_failed', msg, { suggestion: 'check the SQL; `mixtape status` lists the tables', cause });
  } finally {
    store.close();
  }
}
