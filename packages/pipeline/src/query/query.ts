import { existsSync } from 'node:fs';
import type { DuckDBExtractedStatements, DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { duckdb } from '../store/duckdb.js';
import { MixtapeError } from '@mixtape/core/base';
import { plainRows, Store, storeFile, type OpenOptions, type Row } from '../store/store.js';

export interface QueryResult {
  columns: string[];
  rows: Row[];
}

// SHOW, DESCRIBE, SUMMARIZE, FROM, VALUES and PRAGMA show_tables are SELECTs to DuckDB's parser.
const READ_ONLY_TYPES = new Set<StatementType>([duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN]);

function refuse(what: string): MixtapeError {
  return new MixtapeError('read_only_query', `mixtape query runs one read-only SQL statement (SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE or EXPLAIN); ${what}`, {
    suggestion: 'use the import, enrich, train or export commands to change or write data',
  });
}

function failed(cause: unknown): MixtapeError {
  if (cause instanceof MixtapeError) return cause;
  const msg = (cause as Error).message.split('\n')[0]!.replace(/^Failed to extract statements: /, '');
  return new MixtapeError('query_failed', msg, { suggestion: 'check the SQL; `mixtape status` lists the tables', cause });
}

/**
 * The store, read-only and sealed, for commands that only read it. It never creates a database (a
 * missing one is most often a wrong --data-dir); an older one is migrated first, as every command does.
 */
export async function openReadOnly(options: OpenOptions): Promise<Store> {
  const file = storeFile(options);
  if (!existsSync(file)) {
    throw new MixtapeError('no_database', `There is no Mixtape database at ${file}`, {
      suggestion: 'import something first (mixtape import …), or pass the data dir that holds it with --data-dir',
    });
  }
  const store = await Store.open({ ...options, readOnly: true });
  if ((await store.pendingMigrations()) === 0) return store;
  store.close();
  (await Store.open(options)).close();
  return Store.open({ ...options, readOnly: true });
}

/** DuckDB's own parser decides: exactly one statement, and of a type that only reads. */
async function onlyStatement(store: Store, sql: string): Promise<DuckDBPreparedStatement> {
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await store.conn.extractStatements(sql);
  } catch (cause) {
    // DuckDB reports a parse error here; an empty string comes back without a message.
    if (sql.trim() === '') throw refuse('the SQL is empty');
    throw failed(cause);
  }
  if (extracted.count !== 1) throw refuse(`this SQL holds ${extracted.count} statements`);
  let statement: DuckDBPreparedStatement;
  try {
    statement = await extracted.prepare(0);
  } catch (cause) {
    // The sealed database refuses COPY TO, read_csv, ATTACH… while planning them.
    if (/^Permission Error/.test((cause as Error).message)) throw refuse('it may not read or write files outside the database');
    throw failed(cause);
  }
  if (!READ_ONLY_TYPES.has(statement.statementType)) {
    const kind = duckdb.StatementType[statement.statementType] ?? 'this';
    statement.destroySync();
    throw refuse(`${kind} statements are refused`);
  }
  return statement;
}

/**
 * Runs one read-only SQL statement over the store. Read-only by construction: the database is
 * opened read-only with DuckDB's file access switched off, and only a single SELECT or EXPLAIN,
 * as DuckDB itself parses it, is run.
 */
export async function runQuery(sql: string, options: OpenOptions = {}): Promise<QueryResult> {
  const store = await openReadOnly(options);
  try {
    const statement = await onlyStatement(store, sql);
    try {
      const reader = await statement.runAndReadAll();
      return { columns: reader.columnNames(), rows: plainRows(reader) };
    } catch (cause) {
      throw failed(cause);
    } finally {
      statement.destroySync();
    }
  } finally {
    store.close();
  }
}
