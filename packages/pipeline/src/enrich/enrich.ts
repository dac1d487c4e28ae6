import { duckdb } from '../store/duckdb.js';
import { isMixtapeError, MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { deezer, lastfm, musicbrainz, type HttpClient } from '@mixtape/connectors';
import pLimit from 'p-limit';
import { CachedGetter } from '../http-cache/cache.js';
import { DbLock } from '../http-cache/lock.js';
import { recordRun } from '../runner/runs.js';
import type { Store } from '../store/store.js';
import { deezerSource } from './deezer.js';
import { lastfmSource } from './lastfm.js';
import { musicbrainzSource } from './musicbrainz.js';
import type { EnrichSource, EnrichStatus, EnrichTrack } from './types.js';
import { BatchCommitter } from './batch.js';

export const ENRICH_SOURCES = ['deezer', 'lastfm', 'musicbrainz'] as const;
export type EnrichSourceName = (typeof ENRICH_SOURCES)[number];

export interface EnrichOptions {
  store: Store;
  sources?: readonly EnrichSourceName[];
  /** At most this many tracks per source in this run. */
  limit?: number;
  /** Ask the services again: ignore the cache and earlier results. */
  refresh?: boolean;
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressFn;
  /** Clients to use instead of the ones built from the environment (tests, benchmarks). */
  clients?: Partial<Record<EnrichSourceName, HttpClient>>;
}

export interface SourceSummary {
  tracks: number;
  enriched: number;
  matchedIsrc: number;
  matchedSearch: number;
  notFound: number;
  /** MusicBrainz: tracks without an ISRC even after Deezer (not looked up). */
  noIsrc: number;
  failed: number;
  requests: number;
  cacheHits: number;
  rateLimited: number;
}

export interface EnrichSummary {
  sources: Partial<Record<EnrichSourceName, SourceSummary>>;
  seconds: number;
  errors: string[];
}

/**
 * Tracks the listener has touched (played, saved, in a playlist) that a source has not answered
 * yet; earlier failures are tried again. With `refresh`, all of them.
 */
async function workList(store: Store, source: string, refresh: boolean, limit: number | undefined): Promise<EnrichTrack[]> {
  // Values are bound: $1 the limit (NULL: none), $2 the source.
  return store.all<EnrichTrack>(
    `SELECT t.track_id, t.title, t.artist_name, t.artist_id, t.isrc, t.duration_ms FROM tracks t
     WHERE t.kind = 'track' AND t.title IS NOT NULL
       AND t.track_id IN (SELECT track_id FROM plays UNION SELECT item_id FROM library WHERE kind = 'track' UNION SELECT track_id FROM playlist_items WHERE track_id IS NOT NULL)
       ${refresh ? '' : `AND NOT EXISTS (SELECT 1 FROM enrich_state e WHERE e.item_id = t.track_id AND e.source = $2 AND e.status <> 'failed')`}
     ORDER BY t.track_id LIMIT $1::BIGINT`,
    [limit === undefined ? null : Math.max(0, Math.floor(limit)), ...(refresh ? [] : [source])],
  );
}

/** Tracks per transaction: a kill loses at most this many tracks in flight, which the next run redoes. */
const BATCH_TRACKS = 100;

const empty = (): SourceSummary => ({ tracks: 0, enriched: 0, matchedIsrc: 0, matchedSearch: 0, notFound: 0, noIsrc: 0, failed: 0, requests: 0, cacheHits: 0, rateLimited: 0 });

function count(s: SourceSummary, status: EnrichStatus): void {
  if (status === 'matched_isrc') s.matchedIsrc++;
  if (status === 'matched_search') s.matchedSearch++;
  if (status === 'matched_isrc' || status === 'matched_search' || status === 'enriched') s.enriched++;
  else if (status === 'failed') s.failed++;
  else if (status === 'no_isrc') s.noIsrc++;
  else s.notFound++;
}

/** Errors that no other track would escape either: stop the run (it resumes later). A request refused for one track only fails that track. */
export const fatal = (err: unknown): boolean => isMixtapeError(err) && ['quota_exceeded', 'unauthorized', 'forbidden', 'missing_api_key'].includes(err.code);

/**
 * `mixtape enrich`: every source runs at once, each at its own service's limit; each track's
 * results, its state and the cache entries it produced commit in one transaction, so a kill loses
 * at most the tracks in flight and a second run sends no request for what is already known.
 */
export async function enrichTracks(o: EnrichOptions): Promise<EnrichSummary> {
  const { store } = o;
  const env = o.env ?? process.env;
  const wanted = o.sources ?? ENRICH_SOURCES;
  for (const s of wanted) if (!(ENRICH_SOURCES as readonly string[]).includes(s)) throw new MixtapeError('unknown_source', `Unknown enrichment source "${s}"`, { suggestion: `use some of: ${ENRICH_SOURCES.join(', ')}` });
  const lock = new DbLock();
  const progress = o.onProgress ?? noProgress;
  const started = Date.now();
  const sources: EnrichSource[] = [];
  const getters: CachedGetter[] = [];
  const cached = (client: HttpClient) => {
    const g = new CachedGetter(store, client, { refresh: o.refresh ?? false });
    getters.push(g);
    return g;
  };
  if (wanted.includes('deezer')) sources.push(deezerSource(cached(o.clients?.deezer ?? deezer.deezerClient({ env })), new Set()));
  if (wanted.includes('lastfm')) {
    const key = env.LASTFM_API_KEY;
    const client = o.clients?.lastfm ?? lastfm.lastfmClient({ env }).client;
    if (!key) throw new MixtapeError('missing_api_key', 'LASTFM_API_KEY is not set', { suggestion: 'set LASTFM_API_KEY, or leave lastfm out with --sources deezer,musicbrainz' });
    sources.push(lastfmSource(cached(client), key, new Set()));
  }
  if (wanted.includes('musicbrainz')) sources.push(musicbrainzSource(cached(o.clients?.musicbrainz ?? musicbrainz.musicbrainzClient({ env }))));

  return recordRun(store, 'enrich', async () => {
    const summary: EnrichSummary = { sources: {}, seconds: 0, errors: [] };
    const lists = new Map<string, EnrichTrack[]>();
    for (const s of sources) lists.set(s.name, await workList(store, s.name, o.refresh ?? false, o.limit));
    const total = [...lists.values()].reduce((a, l) => a + l.length, 0);
    let done = 0;
    let stop: unknown;
    // Group commit: results, states and cache entries of many tracks in one transaction.
    const committer = new BatchCommitter(store, getters, lock);
    const commit = () => committer.commit();
    let markDeezerDone = () => {};
    const deezerDone = sources.some((x) => x.name === 'deezer') ? new Promise<void>((r) => (markDeezerDone = r)) : undefined;
    await Promise.all(sources.map((src, i) => runSource(src, i).finally(() => {
      if (src.name === 'deezer') markDeezerDone();
    })));
    async function runSource(src: EnrichSource, i: number): Promise<void> {
      const sum = empty();
      summary.sources[src.name] = sum;
      const list = lists.get(src.name)!;
      sum.tracks = list.length;
      // `concurrency` tracks in flight at a time; the service's limiter paces their requests.
      const pool = pLimit(src.concurrency);
      const enrichAll = (tracks: EnrichTrack[]) => Promise.all(tracks.map((t) => pool(() => one(t))));
      const one = async (t: EnrichTrack) => {
        if (stop) return;
        let outcome;
        try {
          outcome = await src.enrich(t);
        } catch (err) {
          if (fatal(err)) {
            stop ??= err;
            return;
          }
          outcome = { status: 'failed' as const, detail: err instanceof Error ? err.message.slice(0, 200) : String(err) };
        }
        outcome.write?.(committer.batch);
        committer.batch.state(t.track_id, src.name, outcome.status, outcome.detail);
        if (committer.batch.tracks >= BATCH_TRACKS) await commit();
        count(sum, outcome.status);
        done++;
        const secs = (Date.now() - started) / 1000;
        const rate = done / Math.max(secs, 0.001);
        progress({ unit: 'tracks', done, total, message: `${src.name} · ${rate.toFixed(1)}/s · ETA ${Math.round((total - done) / Math.max(rate, 0.001))}s` });
      };
      // MusicBrainz looks tracks up by ISRC: those without one wait for Deezer, which may find it.
      const later = src.name === 'musicbrainz' && deezerDone ? list.filter((t) => !t.isrc) : [];
      await enrichAll(later.length > 0 ? list.filter((t) => t.isrc) : list);
      if (later.length > 0) {
        await deezerDone;
        await commit();
        const isrcs = new Map((await lock.run(() => store.all<{ track_id: string; isrc: string | null }>(
          `SELECT track_id, isrc FROM tracks WHERE isrc IS NOT NULL AND track_id IN (SELECT unnest($1::VARCHAR[]))`, [duckdb.listValue(later.map((t) => t.track_id))])))
          .map((r) => [r.track_id, r.isrc]));
        await enrichAll(later.map((t) => ({ ...t, isrc: isrcs.get(t.track_id) ?? null })));
      }
      sum.requests = getters[i]!.client.stats.requests;
      sum.cacheHits = getters[i]!.hits;
      sum.rateLimited = getters[i]!.client.stats.rateLimited;
    }
    await commit();
    for (const g of getters) await g.close();
    summary.seconds = (Date.now() - started) / 1000;
    if (stop) throw stop;
    return summary;
  });
}
