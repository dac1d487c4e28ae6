import { createHash } from 'node:crypto';
import type { HttpClient, HttpResponse, JsonGetter, RequestOptions } from '@mixtape/connectors';
import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DbLock } from './lock.js';

const DAY = 86_400_000;

/** How long answers stay fresh, per endpoint; not-found answers are kept a week. */
export interface TtlRule {
  match: RegExp;
  ttlMs: number;
}

export const DEFAULT_TTLS: TtlRule[] = [
  { match: /\/track\/isrc:|\/track\/\d+/, ttlMs: 30 * DAY },
  { match: /\/search/, ttlMs: 7 * DAY },
  { match: /\/album\/\d+/, ttlMs: 90 * DAY },
  { match: /\/artist\/\d+\/related/, ttlMs: 30 * DAY },
  { match: /method=(track|artist)\.(getTopTags|getSimilar)/i, ttlMs: 30 * DAY },
  { match: /\/isrc\//, ttlMs: 90 * DAY },
];
export const NOT_FOUND_TTL_MS = 7 * DAY;
export const DEFAULT_TTL_MS = 7 * DAY;

/**
 * The cache key: method and URL with its parameters sorted and secrets (api keys, tokens) removed,
 * so the same question asked with another key is the same entry, and no key reaches the database.
 */
export function cacheKey(method: string, url: string, secretParams: string[] = []): { key: string; url: string } {
  const u = new URL(url);
  for (const p of [...secretParams, 'api_key', 'access_token', 'sk', 'token']) u.searchParams.delete(p);
  u.searchParams.sort();
  const clean = u.toString();
  return { key: createHash('sha256').update(`${method.toUpperCase()} ${clean}`).digest('hex').slice(0, 40), url: clean };
}

interface Pending {
  key: string;
  url: string;
  status: number;
  body: string;
  expiresAt: number;
}

/**
 * A JsonGetter in front of a service's client, backed by `http_cache`. Answers (not-found too) are
 * kept until their TTL; `refresh` asks the service again. New entries wait in memory and are written
 * by `flush`, inside the caller's transaction, so they commit with the results they produced.
 */
export class CachedGetter implements JsonGetter {
  hits = 0;
  misses = 0;
  private pending: Pending[] = [];
  private flushedHits = 0;
  private flushedMisses = 0;
  /** Lookups use their own connection (committed data), so they never wait for a batch being written. */
  private reader: Promise<DuckDBConnection> | undefined;
  private readonly readLock = new DbLock();

  constructor(
    private readonly store: Store,
    readonly client: HttpClient,
    private readonly o: { refresh?: boolean; ttls?: TtlRule[] } = {},
  ) {}

  private ttl(url: string, status: number): number {
    if (status === 404) return NOT_FOUND_TTL_MS;
    return (this.o.ttls ?? DEFAULT_TTLS).find((r) => r.match.test(url))?.ttlMs ?? DEFAULT_TTL_MS;
  }

  async get<T = unknown>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const { key, url } = cacheKey(options.method ?? 'GET', this.client.url(path, options.params), this.client.options.secretParams);
    if (!this.o.refresh) {
      const mem = this.pending.find((p) => p.key === key);
      const row = mem ? { status: mem.status, body: mem.body } : await this.lookup(key);
      if (row) {
        this.hits++;
        const body = (row.body === null ? null : JSON.parse(row.body)) as T;
        return { status: row.status, body, headers: {}, url: this.client.safeUrl(url), outcome: row.status === 404 ? 'not_found' : 'ok' };
      }
    }
    this.misses++;
    const r = await this.client.get<T>(path, options);
    // Only answers are cached: ok and not-found. Failures threw above and are asked again next time.
    const status = r.outcome === 'not_found' ? 404 : r.status;
    this.pending.push({ key, url: this.client.safeUrl(url), status, body: JSON.stringify(r.body ?? null), expiresAt: Date.now() + this.ttl(url, status) });
    return r;
  }

  private async lookup(key: string): Promise<{ status: number; body: string } | undefined> {
    this.reader ??= this.store.instance.connect();
    const conn = await this.reader;
    return this.readLock.run(async () => {
      const rows = (await conn.runAndReadAll('SELECT status, body FROM http_cache WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())', [key])).getRowObjects();
      const r = rows[0];
      return r ? { status: Number(r.status), body: r.body as string } : undefined;
    });
  }

  /** Closes the lookup connection. */
  async close(): Promise<void> {
    if (this.reader) (await this.reader).closeSync();
    this.reader = undefined;
  }

  /** Writes new entries and the hit/miss counters; call inside a transaction (under the lock). */
  async flush(): Promise<number> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      await appendTempTable(this.store, '_hc', [['key', 'VARCHAR'], ['url', 'VARCHAR'], ['status', 'BIGINT'], ['body', 'VARCHAR'], ['expires_at', 'TIMESTAMP']], batch.map((p) => [p.key, p.url, p.status, p.body, p.expiresAt]));
      await this.store.run(`INSERT OR REPLACE INTO http_cache (key, url, status, body, fetched_at, expires_at, hits) SELECT DISTINCT ON (key) key, url, status, body, current_timestamp, expires_at, 0 FROM _hc`);
    }
    const dh = this.hits - this.flushedHits;
    const dm = this.misses - this.flushedMisses;
    if (dh > 0 || dm > 0) {
      await this.store.run(
        `INSERT INTO http_cache_stats (service, hits, misses, updated_at) VALUES ($1, $2, $3, current_timestamp)
         ON CONFLICT (service) DO UPDATE SET hits = http_cache_stats.hits + excluded.hits, misses = http_cache_stats.misses + excluded.misses, updated_at = excluded.updated_at`,
        [this.client.service, dh, dm],
      );
      this.flushedHits = this.hits;
      this.flushedMisses = this.misses;
    }
    return batch.length;
  }
}

export interface HttpCacheStatus {
  entries: number;
  notFound: number;
  expired: number;
  bytes: number;
  services: { service: string; hits: number; misses: number; hitRate: number }[];
}

/** Size and hit rate of the HTTP cache, for `mixtape status`. */
export async function httpCacheStatus(store: Store): Promise<HttpCacheStatus> {
  const s = await store.one<{ entries: number; not_found: number; expired: number; bytes: number }>(
    `SELECT count(*) AS entries, count(*) FILTER (WHERE status = 404) AS not_found, count(*) FILTER (WHERE expires_at <= now()) AS expired, coalesce(sum(strlen(body)), 0) AS bytes FROM http_cache`,
  );
  const services = await store.all<{ service: string; hits: number; misses: number }>('SELECT service, hits, misses FROM http_cache_stats ORDER BY service');
  return {
    entries: Number(s?.entries ?? 0),
    notFound: Number(s?.not_found ?? 0),
    expired: Number(s?.expired ?? 0),
    bytes: Number(s?.bytes ?? 0),
    services: services.map((x) => ({ service: x.service, hits: x.hits, misses: x.misses, hitRate: x.hits + x.misses === 0 ? 0 : x.hits / (x.hits + x.misses) })),
  };
}
