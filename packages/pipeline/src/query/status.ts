import { httpCacheStatus, type HttpCacheStatus } from '../http-cache/cache.js';
import type { Store } from '../store/store.js';

export interface StoreStatus {
  database: string;
  tables: Array<{ table: string; rows: number }>;
  plays: {
    bySource: Array<{ source: string; kind: string; plays: number; first: string | null; last: string | null }>;
    first: string | null;
    last: string | null;
  };
  runs: Array<{ job: string; status: string; started_at: string; finished_at: string | null; rows_out: number | null }>;
  httpCache: HttpCacheStatus;
}

const TABLES = ['plays', 'tracks', 'artists', 'library', 'playlists', 'playlist_items', 'track_tags', 'artist_tags', 'similar', 'http_cache', 'checkpoints', 'runs', 'models'];

/** Rows per table, plays per source with their date range, and the last runs. */
export async function storeStatus(store: Store): Promise<StoreStatus> {
  type BySource = StoreStatus['plays']['bySource'][number];
  type Range = { first: string | null; last: string | null };
  const [counts, bySource, range, runs, httpCache] = await store.concurrently(
    // One query for every count.
    (s) => s.all<{ n: number }>(TABLES.map((t, i) => `SELECT ${i} AS i, count(*) AS n FROM "${t}"`).join(' UNION ALL ') + ' ORDER BY i'),
    (s) => s.all<BySource>(`SELECT source, kind, count(*) AS plays, min(played_at) AS first, max(played_at) AS last FROM plays GROUP BY source, kind ORDER BY source, kind`),
    async (s) => (await s.one<Range>('SELECT min(played_at) AS first, max(played_at) AS last FROM plays'))!,
    (s) => s.all<StoreStatus['runs'][number]>(`SELECT job, status, started_at, finished_at, rows_out FROM runs ORDER BY run_id DESC LIMIT 10`),
    httpCacheStatus,
  );
  const tables = TABLES.map((table, i) => ({ table, rows: Number(counts[i]!.n) }));
  return { database: store.path, tables, plays: { bySource, first: range.first, last: range.last }, runs, httpCache };
}
