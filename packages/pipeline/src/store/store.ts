import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';
import { duckdb } from './duckdb.js';
import { isMixtapeError, MixtapeError, storageError } from '@mixtape/core/base';
import { migrations } from './migrations/index.js';
import { dataDir } from './paths.js';
import { ensurePrivateDir, makePrivate } from './private-dir.js';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface OpenOptions {
  /** Data dir; `:memory:` for an in-memory store (tests). */
  dataDir?: string;
  /**
   * Read-only and sealed: DuckDB refuses writes to the database and any file access of its own
   * (COPY TO, read_csv, ATTACH, INSTALL), and the setting cannot be turned back. Not migrated.
   */
  readOnly?: boolean;
  /**
   * DuckDB's worker threads (default: one per core). Commands that answer in milliseconds ask for one
   * (the CLI's `LIGHT_STORE_THREADS`): their queries gain nothing from parallel scans, and DuckDB starts every
   * worker when the file opens and joins them all when it closes, which on a many-core machine
   * costs a light command's start-up more than its queries (bench/startup.ts).
   */
  threads?: number;
}

/** The database file of a data dir (`:memory:` stays in memory). */
export function storeFile(options: OpenOptions = {}): string {
  return options.dataDir === ':memory:' ? ':memory:' : join(dataDir(options.dataDir), 'mixtape.duckdb');
}

/** Converts DuckDB values to plain JSON-friendly JS: BigInt to number where safe, timestamps to ISO. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name ?? '';
  if (ctor.startsWith('DuckDB')) {
    if (ctor === 'DuckDBTimestampValue' || ctor.startsWith('DuckDBTimestamp')) {
      const micros = (value as { micros: bigint }).micros;
      return new Date(Number(micros / 1000n)).toISOString();
    }
    if (ctor === 'DuckDBDateValue') return String(value);
    if (ctor === 'DuckDBListValue') return ((value as { items: unknown[] }).items).map(plain);
    if (ctor === 'DuckDBStructValue') {
      const entries = (value as { entries: Record<string, unknown> }).entries;
      return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, plain(v)]));
    }
    return String(value);
  }
  return value;
}

/** A result's rows as plain objects (see `plain`). */
export function plainRows<T = Row>(reader: DuckDBResultReader): T[] {
  return reader.getRowObjects().map((r) => {
    const o: Row = {};
    for (const [k, v] of Object.entries(r)) o[k] = plain(v);
    return o as T;
  });
}

/**
 * The Mixtape database: one DuckDB file in the data dir, migrated on open. One instance per file
 * per process; every write goes through `transaction` so a failure leaves the file as it was.
 */
export class Store {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** A store `openEarly` started opening, for the next `open` of the same file. */
  private static early: { file: string; readOnly: boolean; store: Promise<Store> } | undefined;

  /**
   * Starts opening the store before the command that will use it has parsed its flags, so that
   * DuckDB opens and migrates the file on its own threads while the main thread loads the CLI
   * (bin/run.js; bench/startup.ts). The next `open` of the same file, read-only or not alike, is
   * handed this one, its error included; an `open` of anything else closes it first.
   */
  static openEarly(options: OpenOptions = {}): Promise<Store> | undefined {
    if (options.dataDir === ':memory:' || Store.early) return undefined;
    const store = Store.openNow(options);
    // Its error belongs to the command that takes it, thrown there by `open`.
    store.catch(() => undefined);
    Store.early = { file: storeFile(options), readOnly: options.readOnly === true, store };
    return store;
  }

  static async open(options: OpenOptions = {}): Promise<Store> {
    const early = Store.early;
    if (early) {
      Store.early = undefined;
      if (early.file === storeFile(options) && early.readOnly === (options.readOnly === true)) return early.store;
      await early.store.then((s) => s.close(), () => undefined);
    }
    return Store.openNow(options);
  }

  private static async openNow(options: OpenOptions): Promise<Store> {
    const memory = options.dataDir === ':memory:';
    const path = storeFile(options);
    if (!memory) ensurePrivateDir(dataDir(options.dataDir));
    let instance: DuckDBInstance;
    try {
      // A bounded buffer pool keeps a million-row import under 1 GB; DuckDB spills past it.
      // Insertion order is never relied on (every read orders explicitly), and not keeping it
      // lets bulk inserts stream.
      const config: Record<string, string> = {
        memory_limit: process.env.MIXTAPE_DB_MEMORY_LIMIT ?? '512MB',
        preserve_insertion_order: 'false',
      };
      if (options.threads !== undefined) config.threads = String(Math.max(1, Math.floor(options.threads)));
      if (options.readOnly) Object.assign(config, { access_mode: 'READ_ONLY', enable_external_access: 'false' });
      instance = await duckdb.DuckDBInstance.create(path, config);
      // DuckDB creates the file with the umask's mode; the data dir is already 0700.
      if (!memory && !options.readOnly) makePrivate(path);
    } catch (cause) {
      const msg = cause instanceof Error ? cause.message : String(cause);
      if (/lock/i.test(msg)) {
        throw new MixtapeError('store_locked', `The database ${path} is in use by another mixtape process`, {
          suggestion: 'wait for the other command (or `mixtape daemon`) to finish, then run this again',
          cause,
        });
      }
      const full = storageError(cause, { where: path, remedy: 'point --data-dir / MIXTAPE_DATA_DIR at a larger disk' });
      if (full) throw full;
      throw new MixtapeError('store_open_failed', `Cannot open the database ${path}: ${msg}`, {
        suggestion: 'check that the data dir is writable (set MIXTAPE_DATA_DIR or --data-dir)',
        cause,
      });
    }
    const conn = await instance.connect();
    // Every TIMESTAMP in the store is UTC; without this, current_timestamp and TIMESTAMPTZ casts
    // follow the machine's zone. (ICU is not loaded yet when the instance's config is read.)
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    if (options.readOnly) await conn.run('SET GLOBAL lock_configuration = true');
    const store = new Store(instance, conn, path);
    if (!options.readOnly) await store.migrate();
    return store;
  }

  /** Applies every migration not yet recorded, each in its own transaction. */
  async migrate(): Promise<number> {
    await this.conn.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)');
    const done = new Set((await this.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    let applied = 0;
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await this.transaction(async () => {
        await this.conn.run(m.sql);
        await this.conn.run('INSERT INTO schema_migrations VALUES ($1, $2, current_timestamp)', [m.id, m.name]);
      });
      applied++;
    }
    return applied;
  }

  /** How many migrations this database lacks (a file that is not a Mixtape store lacks them all). */
  async pendingMigrations(): Promise<number> {
    const known = await this.scalar<number>(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations' AND schema_name = 'main'`);
    if (Number(known) === 0) return migrations.length;
    const done = new Set((await this.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    return migrations.filter((m) => !done.has(m.id)).length;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.conn.run(sql, params);
  }

  /** Runs a query and returns rows as plain objects (BigInt and timestamps converted). */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    return plainRows<T>(await this.conn.runAndReadAll(sql, params));
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async scalar<T = unknown>(sql: string, params?: Params): Promise<T> {
    const row = await this.one<Row>(sql, params);
    return (row === undefined ? undefined : Object.values(row)[0]) as T;
  }

  /**
   * Runs independent reads side by side, each on a connection of its own: DuckDB answers them on its
   * threads at once, where one connection takes them in turn (`status` spends most of its time in
   * its reads). Only for reads: each connection has its own transactions and temporary tables.
   */
  async concurrently<T extends unknown[]>(...reads: { [K in keyof T]: (store: Store) => Promise<T[K]> }): Promise<T> {
    const views = await Promise.all(reads.map(async () => new Store(this.instance, await this.instance.connect(), this.path)));
    try {
      return (await Promise.all(reads.map((read, i) => read(views[i]!)))) as T;
    } finally {
      for (const view of views) view.conn.closeSync();
    }
  }

  /** Runs `fn` in one transaction: commit on success, rollback on any error (and rethrow). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (err) {
      try {
        await this.conn.run('ROLLBACK');
      } catch {
        // The transaction may already be aborted; the original error is what matters.
      }
      if (isMixtapeError(err)) throw err;
      throw storageError(err, { where: this.path, remedy: 'point --data-dir / MIXTAPE_DATA_DIR at a larger disk', outcome: 'nothing was written' }) ?? err;
    }
  }

  async checkpoint(): Promise<void> {
    await this.conn.run('CHECKPOINT');
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
    // A write-ahead log left by a crash would otherwise keep the umask's mode.
    if (this.path !== ':memory:') makePrivate(`${this.path}.wal`);
  }
}

/** Opens the store, runs `fn`, and always closes it. */
export async function withStore<T>(options: OpenOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(options);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
