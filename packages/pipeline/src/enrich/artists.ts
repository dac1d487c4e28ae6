import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { lastfm, type HttpClient } from '@mixtape/connectors';
import { readVocabularyFile } from '@mixtape/federation';
import pLimit from 'p-limit';
import { CachedGetter } from '../http-cache/cache.js';
import { DbLock } from '../http-cache/lock.js';
import { artistIdSql } from '../identity/artist-id.js';
import { recordRun } from '../runner/runs.js';
import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { BatchCommitter } from './batch.js';
import { fatal } from './enrich.js';

/** The state source of this pass: an artist listed by name, looked up on Last.fm on its own. */
const SOURCE = 'lastfm-artist';
/** Artists per transaction: a kill loses at most this many in flight, which the next run redoes. */
const BATCH_ARTISTS = 100;

export interface ArtistEnrichSummary {
  /** Artists the file lists (by normalized name). */
  listed: number;
  /** Already known (Last.fm tags from an earlier run or from the track pass): not asked again. */
  known: number;
  enriched: number;
  notFound: number;
  failed: number;
  requests: number;
  cacheHits: number;
  rateLimited: number;
  seconds: number;
}

/**
 * `mixtape enrich --artists FILE`: Last.fm's top tags and similar artists for every artist a list
 * names (a hub's vocabulary: one name a line, or `key<TAB>name` lines), whether or not the listener
 * ever played them. A hub operator's store then holds public features for the whole vocabulary
 * (`mixtape federation features`), not only for their own artists. Listed artists the store lacks
 * are added to it; artists with Last.fm tags already are not asked again (unless `refresh`). The
 * same rate limit, cache, batching and resume as the track pass.
 */
export async function enrichArtists(o: { store: Store; file: string; refresh?: boolean; env?: NodeJS.ProcessEnv; onProgress?: ProgressFn; client?: HttpClient }): Promise<ArtistEnrichSummary> {
  const { store } = o;
  const env = o.env ?? process.env;
  const vocab = await readVocabularyFile(o.file);
  const names = vocab.keys.flatMap((k, i) => (k.startsWith('artist:') ? [vocab.names[i]!] : []));
  if (names.length === 0) throw new MixtapeError('vocabulary_empty', `The file ${o.file} lists no artist`, { suggestion: 'list one artist name a line, or "artist:<name><TAB>name" lines under a "key<TAB>name" header' });
  const apiKey = env.LASTFM_API_KEY;
  if (!apiKey) throw new MixtapeError('missing_api_key', 'LASTFM_API_KEY is not set', { suggestion: 'set LASTFM_API_KEY: listed artists are looked up on Last.fm' });
  const getter = new CachedGetter(store, o.client ?? lastfm.lastfmClient({ env }).client, { refresh: o.refresh ?? false });
  const progress = o.onProgress ?? noProgress;
  const started = Date.now();

  return recordRun(store, 'enrich', async () => {
    // Listed artists get the ids identity resolution gives a name (an artist already stored under
    // that normalized name keeps its own), and are added when missing.
    const work = await store.transaction(async () => {
      await appendTempTable(store, '_ea_names', [['n', 'VARCHAR']], names.map((n) => [n]));
      await store.run(`CREATE OR REPLACE TEMP TABLE _ea_ids AS SELECT DISTINCT ON (id) ${artistIdSql('n')} AS id, n FROM _ea_names WHERE mt_norm(n) <> ''`);
      await store.run(`INSERT OR IGNORE INTO artists (artist_id, name, name_key) SELECT id, n, mt_norm(n) FROM _ea_ids WHERE id NOT IN (SELECT artist_id FROM artists)`);
      const rows = await store.all<{ id: string; name: string; known: boolean }>(
        `SELECT i.id, a.name,
           (EXISTS (SELECT 1 FROM artist_tags t WHERE t.artist_id = i.id AND t.source = 'lastfm')
            OR EXISTS (SELECT 1 FROM enrich_state e WHERE e.item_id = i.id AND e.source = '${SOURCE}' AND e.status <> 'failed')) AS known
         FROM _ea_ids i JOIN artists a ON a.artist_id = i.id ORDER BY i.id`,
      );
      await store.run('DROP TABLE _ea_names; DROP TABLE _ea_ids');
      return rows;
    });
    const todo = o.refresh ? work : work.filter((r) => !r.known);
    const summary: ArtistEnrichSummary = { listed: work.length, known: work.length - todo.length, enriched: 0, notFound: 0, failed: 0, requests: 0, cacheHits: 0, rateLimited: 0, seconds: 0 };
    const committer = new BatchCommitter(store, [getter], new DbLock());
    let stop: unknown;
    let done = 0;
    const pool = pLimit(8);
    await Promise.all(
      todo.map((a) =>
        pool(async () => {
          if (stop) return;
          try {
            const tags = await lastfm.artistTopTags(getter, apiKey, a.name);
            if (tags === undefined) {
              summary.notFound++;
              committer.batch.state(a.id, SOURCE, 'not_found');
            } else {
              const similar = await lastfm.similarArtists(getter, apiKey, a.name);
              committer.batch.setTags('artist', a.id, 'lastfm', tags);
              if (similar) committer.batch.addSimilarArtists(a.id, 'lastfm', similar);
              summary.enriched++;
              committer.batch.state(a.id, SOURCE, 'enriched');
            }
          } catch (err) {
            // The key refused or the quota spent: every other artist would fail too; the run stops and resumes later.
            if (fatal(err)) {
              stop ??= err;
              return;
            }
            summary.failed++;
            committer.batch.state(a.id, SOURCE, 'failed', err instanceof Error ? err.message.slice(0, 200) : String(err));
          }
          if (committer.batch.tracks >= BATCH_ARTISTS) await committer.commit();
          done++;
          progress({ unit: 'artists', done, total: todo.length, message: 'lastfm artists' });
        }),
      ),
    );
    await committer.commit();
    await getter.close();
    summary.requests = getter.client.stats.requests;
    summary.cacheHits = getter.hits;
    summary.rateLimited = getter.client.stats.rateLimited;
    summary.seconds = (Date.now() - started) / 1000;
    if (stop) throw stop;
    return summary;
  });
}
