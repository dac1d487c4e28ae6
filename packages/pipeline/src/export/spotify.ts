import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { spotify, type DeclaredStream, type HttpClient, type StreamPage } from '@mixtape/connectors';
import { runStream, type PageContext } from '../runner/run-stream.js';
import { recordRun } from '../runner/runs.js';
import type { Store } from '../store/store.js';
import { exportPlaylistItems, type PlaylistsSummary } from './spotify-playlists.js';
import * as w from './spotify-write.js';

export type { PlaylistReport } from './spotify-playlists.js';

type Json = Record<string, unknown>;

/** Every stream `mixtape export spotify` knows, in the order they run. */
export const SPOTIFY_STREAMS = ['profile', 'saved_tracks', 'saved_albums', 'saved_shows', 'saved_episodes', 'playlists', 'followed_artists', 'top', 'recently_played'] as const;
export type SpotifyStreamName = (typeof SPOTIFY_STREAMS)[number];

export interface SpotifyExportOptions {
  store: Store;
  client: HttpClient;
  streams?: readonly SpotifyStreamName[];
  /** Read every stream whole (not only what is newer than the last run) and drop what Spotify no longer has. */
  full?: boolean;
  onProgress?: ProgressFn;
}

export interface SpotifyExportSummary {
  streams: Record<string, { pages: number; records: number; resumed: boolean; removed: number }>;
  playlists: PlaylistsSummary;
  /** Library rows and playlists a --full run found no longer on Spotify, all streams together. */
  removed: number;
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
  seconds: number;
}

const RANGES = ['short_term', 'medium_term', 'long_term'] as const;
type Page = StreamPage<Json, unknown>;

/** One declared Spotify stream bound to where its rows go; `--full` sweeps with `sweep`. */
interface SpotifyJob {
  /** The stream name the user picks with --streams (the six top lists are all `top`). */
  name: SpotifyStreamName;
  key: string;
  label: string;
  stream: (hwm: unknown) => DeclaredStream<Json>;
  write: (page: Page, ctx: PageContext<unknown>) => Promise<number>;
  sweep?: (keys: string[]) => Promise<number>;
}

/** Every stream of the export, in the order it runs: which declaration, and which writer. */
function spotifyJobs(store: Store, client: HttpClient, full: boolean): SpotifyJob[] {
  // Tracks and episodes are staged page by page and resolved once, when the stream ends.
  const playable = (kind: 'track' | 'episode', stream: string) => async (p: Page, c: PageContext<unknown>) => {
    const n = await w.stagePage(store, stream, p.offset ?? 0, p.records, (r) => r[kind] as Json | undefined, c.first);
    if (c.last) await w.finishSavedPlayables(store, stream, kind);
    return n;
  };
  const lib = (kind: 'track' | 'episode' | 'album' | 'show' | 'artist') => (keys: string[]) => w.sweepLibrary(store, kind, keys);
  // An incremental run stops at the newest added_at of the last finished pass; --full reads all.
  const saved = (kind: spotify.SavedKind) => (hwm: unknown) => spotify.savedItems(client, kind, { since: full || typeof hwm !== 'string' ? undefined : hwm });
  const jobs: SpotifyJob[] = [
    { name: 'profile', key: 'spotify.profile', label: 'profile', stream: () => spotify.profile(client), write: (p) => w.writeProfile(store, p.records[0]!) },
    { name: 'saved_tracks', key: 'spotify.saved_tracks', label: 'saved_tracks', stream: saved('tracks'), write: playable('track', 'saved_tracks'), sweep: lib('track') },
    { name: 'saved_albums', key: 'spotify.saved_albums', label: 'saved_albums', stream: saved('albums'), write: (p) => w.writeSavedObjects(store, 'album', p.records), sweep: lib('album') },
    { name: 'saved_shows', key: 'spotify.saved_shows', label: 'saved_shows', stream: saved('shows'), write: (p) => w.writeSavedObjects(store, 'show', p.records), sweep: lib('show') },
    { name: 'saved_episodes', key: 'spotify.saved_episodes', label: 'saved_episodes', stream: saved('episodes'), write: playable('episode', 'saved_episodes'), sweep: lib('episode') },
    { name: 'playlists', key: 'spotify.playlists', label: 'playlists', stream: () => spotify.playlists(client), write: (p) => w.writePlaylists(store, p.records), sweep: (ids) => w.sweepPlaylists(store, ids) },
    { name: 'followed_artists', key: 'spotify.followed_artists', label: 'followed_artists', stream: () => spotify.followedArtists(client), write: (p) => w.writeSavedObjects(store, 'artist', p.records), sweep: lib('artist') },
  ];
  for (const kind of ['artists', 'tracks'] as const) {
    for (const range of RANGES) {
      // A replace stream: its first page clears the list it rewrites.
      jobs.push({ name: 'top', key: `spotify.top_${kind}_${range}`, label: `top ${kind}`, stream: () => spotify.topItems(client, kind, range), write: (p, c) => w.writeTop(store, kind, range, p.offset ?? 0, p.records, c.first) });
    }
  }
  jobs.push({ name: 'recently_played', key: 'spotify.recently_played', label: 'recently_played', stream: (hwm) => spotify.recentlyPlayed(client, { after: typeof hwm === 'number' ? hwm : undefined }), write: (p) => w.writeRecentlyPlayed(store, p.records) });
  return jobs;
}

/**
 * Exports a Spotify library through the Web API into the store: each page with its checkpoint in
 * one transaction, resumable after a kill, incremental on later runs (saved items stop at the last
 * high-water mark; playlists whose snapshot_id is unchanged are not fetched again). With `full`,
 * every stream is read whole and what Spotify no longer has is removed.
 */
export async function exportSpotify(o: SpotifyExportOptions): Promise<SpotifyExportSummary> {
  const { store, client } = o;
  const wanted = new Set<string>(o.streams ?? SPOTIFY_STREAMS);
  for (const s of wanted) {
    if (!(SPOTIFY_STREAMS as readonly string[]).includes(s)) {
      throw new MixtapeError('unknown_stream', `Unknown Spotify stream "${s}"`, { suggestion: `use some of: ${SPOTIFY_STREAMS.join(', ')}` });
    }
  }
  const progress = o.onProgress ?? noProgress;
  const started = Date.now();
  let items = 0;
  let waitNote = '';
  const prevEvent = client.options.onEvent;
  client.options.onEvent = (e) => {
    prevEvent?.(e);
    if (e.type === 'pause' || e.type === 'retry') waitNote = `${e.reason}, waiting ${Math.round((e.waitMs ?? 0) / 1000)}s`;
  };
  const tick = (stream: string) => (page: Page) => {
    items += page.records.length;
    const secs = (Date.now() - started) / 1000;
    progress({ unit: 'items', done: items, message: `${stream} · ${(items / Math.max(secs, 0.001)).toFixed(0)} items/s · ${client.stats.requests} requests${waitNote ? ` · ${waitNote}` : ''}` });
    waitNote = '';
  };

  const summary: SpotifyExportSummary = { streams: {}, playlists: { total: 0, fetched: 0, unchanged: 0, forbidden: 0, details: [] }, removed: 0, requests: 0, retries: 0, rateLimited: 0, waitedMs: 0, seconds: 0 };
  const full = o.full ?? false;

  return recordRun(store, 'export spotify', async () => {
    for (const job of spotifyJobs(store, client, full)) {
      if (!wanted.has(job.name)) continue;
      const r = await runStream<Json, unknown, unknown>(store, { key: job.key, source: 'spotify', stream: job.stream, write: job.write, full, ...(job.sweep ? { sweep: job.sweep } : {}), onPage: tick(job.label) });
      summary.streams[r.key.replace(/^spotify\./, '')] = { pages: r.pages, records: r.records, resumed: r.resumed, removed: r.removed };
      summary.removed += r.removed;
      if (job.name === 'playlists') await exportPlaylistItems(store, client, summary.playlists, tick);
    }
    Object.assign(summary, { requests: client.stats.requests, retries: client.stats.retries, rateLimited: client.stats.rateLimited, waitedMs: client.stats.waitedMs, seconds: (Date.now() - started) / 1000 });
    return summary;
  }, (s) => ({ rowsOut: Object.values(s.streams).reduce((a, x) => a + x.records, 0) }));
}
