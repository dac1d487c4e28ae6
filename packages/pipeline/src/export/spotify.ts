import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { spotify, type HttpClient, type StreamPage } from '@mixtape/connectors';
import { runStream, type PageContext, type StreamResult } from '../runner/run-stream.js';
import { recordRun } from '../runner/runs.js';
import { writeCheckpoint } from '../runner/checkpoint.js';
import type { Store } from '../store/store.js';
import * as w from './spotify-write.js';

type Json = Record<string, unknown>;

/** Every stream `mixtape export spotify` knows, in the order they run. */
export const SPOTIFY_STREAMS = ['profile', 'saved_tracks', 'saved_albums', 'saved_shows', 'saved_episodes', 'playlists', 'followed_artists', 'top', 'recently_played'] as const;
export type SpotifyStreamName = (typeof SPOTIFY_STREAMS)[number];

export interface SpotifyExportOptions {
  store: Store;
  client: HttpClient;
  streams?: readonly SpotifyStreamName[];
  /** Read saved items whole (not only what is newer than the last run) and drop those no longer saved. */
  full?: boolean;
  onProgress?: ProgressFn;
}

export interface PlaylistReport {
  id: string;
  name: string;
  status: 'fetched' | 'unchanged' | 'forbidden' | 'not_found';
  items: number;
}

export interface SpotifyExportSummary {
  streams: Record<string, { pages: number; records: number; resumed: boolean }>;
  playlists: { total: number; fetched: number; unchanged: number; forbidden: number; details: PlaylistReport[] };
  /** Saved tracks and episodes a --full run found no longer saved. */
  removed: number;
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
  seconds: number;
}

const RANGES = ['short_term', 'medium_term', 'long_term'] as const;
type Write = (page: StreamPage<Json, spotify.OffsetCheckpoint>, ctx: PageContext<string>) => Promise<number>;
const offsetOf = (p: StreamPage<Json, unknown>): number => Number(/offset=(\d+)/.exec(p.key)?.[1] ?? 0);

/**
 * Exports a Spotify library through the Web API into the store: each page with its checkpoint in
 * one transaction, resumable after a kill, incremental on later runs (saved items stop at the last
 * high-water mark; playlists whose snapshot_id is unchanged are not fetched again).
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
  const tick = (stream: string) => (page: StreamPage<Json, unknown>) => {
    items += page.records.length;
    const secs = (Date.now() - started) / 1000;
    progress({ unit: 'items', done: items, message: `${stream} · ${(items / Math.max(secs, 0.001)).toFixed(0)} items/s · ${client.stats.requests} requests${waitNote ? ` · ${waitNote}` : ''}` });
    waitNote = '';
  };

  const summary: SpotifyExportSummary = { streams: {}, playlists: { total: 0, fetched: 0, unchanged: 0, forbidden: 0, details: [] }, removed: 0, requests: 0, retries: 0, rateLimited: 0, waitedMs: 0, seconds: 0 };
  const note = (r: StreamResult) => (summary.streams[r.key.replace(/^spotify\./, '')] = { pages: r.pages, records: r.records, resumed: r.resumed });

  return recordRun(store, 'export spotify', async () => {
    if (wanted.has('profile')) {
      note(await runStream<Json, never, null>(store, { key: 'spotify.profile', source: 'spotify', stream: () => spotify.profile(client), write: (p) => w.writeProfile(store, p.records[0]!), onPage: tick('profile') }));
    }
    // Tracks and episodes are staged page by page and resolved once at the end of the stream.
    // With --full, a pass that ran whole in this process also removes what is no longer saved.
    const playable = (kind: 'track' | 'episode', stream: string): Write => {
      let wholePass = false;
      return async (p, c) => {
        if (c.first) wholePass = true;
        const n = await w.stagePage(store, stream, offsetOf(p), p.records, (r) => r[kind] as Json | undefined, c.first);
        if (c.last) summary.removed += await w.finishSavedPlayables(store, stream, kind, (o.full ?? false) && wholePass);
        return n;
      };
    };
    const saved: [SpotifyStreamName, spotify.SavedKind, Write][] = [
      ['saved_tracks', 'tracks', playable('track', 'saved_tracks')],
      ['saved_albums', 'albums', (p) => w.writeSavedObjects(store, 'album', p.records)],
      ['saved_shows', 'shows', (p) => w.writeSavedObjects(store, 'show', p.records)],
      ['saved_episodes', 'episodes', playable('episode', 'saved_episodes')],
    ];
    for (const [name, kind, write] of saved) {
      if (!wanted.has(name)) continue;
      note(await runStream<Json, spotify.OffsetCheckpoint, string>(store, {
        key: `spotify.${name}`,
        source: 'spotify',
        stream: (hwm) => spotify.savedItems(client, kind, { stopBefore: o.full ? undefined : (hwm ?? undefined) }),
        write,
        // The newest added_at seen; the first page of a pass holds it (newest first).
        mark: (p, pending) => p.records.reduce<string | null>((m, r) => (typeof r.added_at === 'string' && (m === null || r.added_at > m) ? r.added_at : m), pending),
        onPage: tick(name),
      }));
    }
    if (wanted.has('playlists')) await exportPlaylists(store, client, summary, note, tick);
    if (wanted.has('followed_artists')) {
      note(await runStream<Json, spotify.CursorCheckpoint, null>(store, { key: 'spotify.followed_artists', source: 'spotify', stream: () => spotify.followedArtists(client), write: (p) => w.writeSavedObjects(store, 'artist', p.records), onPage: tick('followed_artists') }));
    }
    if (wanted.has('top')) {
      for (const kind of ['artists', 'tracks'] as const) {
        for (const range of RANGES) {
          note(await runStream<Json, spotify.OffsetCheckpoint, null>(store, {
            key: `spotify.top_${kind}_${range}`,
            source: 'spotify',
            stream: () => spotify.topItems(client, kind, range),
            write: (p, c) => w.writeTop(store, kind, range, offsetOf(p), p.records, c.first),
            onPage: tick(`top ${kind}`),
          }));
        }
      }
    }
    if (wanted.has('recently_played')) {
      note(await runStream<Json, never, number>(store, {
        key: 'spotify.recently_played',
        source: 'spotify',
        stream: (hwm) => spotify.recentlyPlayed(client, { after: hwm ?? undefined }),
        write: (p) => w.writeRecentlyPlayed(store, p.records),
        mark: (p, pending) => p.records.reduce<number | null>((m, r) => Math.max(m ?? 0, Date.parse(String(r.played_at)) || 0), pending),
        onPage: tick('recently_played'),
      }));
    }
    Object.assign(summary, { requests: client.stats.requests, retries: client.stats.retries, rateLimited: client.stats.rateLimited, waitedMs: client.stats.waitedMs, seconds: (Date.now() - started) / 1000 });
    return summary;
  }, (s) => ({ rowsOut: Object.values(s.streams).reduce((a, x) => a + x.records, 0) }));
}

/** The playlists list, then each playlist's items unless its snapshot_id was already exported. */
async function exportPlaylists(store: Store, client: HttpClient, summary: SpotifyExportSummary, note: (r: StreamResult) => void, tick: (s: string) => (p: StreamPage<Json, unknown>) => void): Promise<void> {
  note(await runStream<Json, spotify.OffsetCheckpoint, null>(store, {
    key: 'spotify.playlists',
    source: 'spotify',
    stream: () => spotify.playlists(client),
    write: (p) => w.writePlaylists(store, p.records),
    onPage: tick('playlists'),
  }));
  // The list just written (or written by the run this one resumes) is the work list.
  const rows = await store.all<{ playlist_id: string; name: string; snapshot: string | null; item_count: number | null }>(
    `SELECT playlist_id, name, snapshot, item_count FROM playlists WHERE source = 'spotify_api' ORDER BY playlist_id`,
  );
  const mode: spotify.PlaylistItemsMode = { endpoint: 'items' };
  summary.playlists.total = rows.length;
  for (const row of rows) {
    const id = row.playlist_id.replace(/^spotify:playlist:/, '');
    const key = `spotify.playlist_items:${id}`;
    const state = await store.one<{ state: string }>('SELECT state FROM checkpoints WHERE stream = $1', [key]);
    const parsed = state ? (JSON.parse(typeof state.state === 'string' ? state.state : JSON.stringify(state.state)) as { cursor: unknown; hwm: { snapshot: string; status: string; items: number } | null }) : undefined;
    if (parsed && parsed.cursor === null && parsed.hwm && parsed.hwm.snapshot === row.snapshot) {
      summary.playlists.unchanged++;
      if (parsed.hwm.status === 'forbidden') summary.playlists.forbidden++;
      summary.playlists.details.push({ id, name: row.name, status: parsed.hwm.status === 'forbidden' ? 'forbidden' : 'unchanged', items: parsed.hwm.items });
      continue;
    }
    type Mark = { snapshot: string; status: string; items: number };
    if (row.item_count === 0) {
      // The list says it is empty: no request needed to know its (no) items.
      await store.transaction(async () => {
        await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [row.playlist_id]);
        await w.setPlaylistStatus(store, id, 'complete');
        await writeCheckpoint(store, key, { v: 1, cursor: null, pending: null, hwm: { snapshot: row.snapshot ?? '', status: 'complete', items: 0 } });
      });
      summary.playlists.fetched++;
      summary.playlists.details.push({ id, name: row.name, status: 'fetched', items: 0 });
      continue;
    }
    const r = await runStream<Json, spotify.OffsetCheckpoint, Mark>(store, {
      key,
      source: 'spotify',
      stream: () => spotify.playlistItems(client, id, mode),
      // A run cut short on an older snapshot starts this playlist again from the top.
      restart: (s) => (s.pending as Mark | null)?.snapshot !== row.snapshot,
      write: async (p, c) => {
        if (p.status) {
          await w.setPlaylistStatus(store, id, p.status);
          return 0;
        }
        const stream = `playlist_items:${id}`;
        const n = await w.stagePage(store, stream, offsetOf(p), p.records, spotify.playlistRowObject, c.first || offsetOf(p) === 0);
        if (c.last) await w.finishPlaylistItems(store, stream, id);
        return n;
      },
      mark: (p, pending) => ({ snapshot: row.snapshot ?? '', status: p.status ?? 'complete', items: (pending?.items ?? 0) + p.records.length }),
      onPage: tick(`playlist ${row.name}`),
    });
    const status = (r.status as PlaylistReport['status'] | undefined) ?? 'fetched';
    if (status === 'forbidden') summary.playlists.forbidden++;
    else summary.playlists.fetched++;
    const done = await store.scalar<number>('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [row.playlist_id]);
    summary.playlists.details.push({ id, name: row.name, status, items: Number(done) });
  }
}
