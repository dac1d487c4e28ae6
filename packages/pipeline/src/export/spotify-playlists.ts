import { spotify, type HttpClient, type StreamPage } from '@mixtape/connectors';
import { runStream } from '../runner/run-stream.js';
import { writeCheckpoint } from '../runner/checkpoint.js';
import type { Store } from '../store/store.js';
import * as w from './spotify-write.js';

type Json = Record<string, unknown>;

export interface PlaylistReport {
  id: string;
  name: string;
  status: 'fetched' | 'unchanged' | 'forbidden' | 'not_found';
  items: number;
}

export interface PlaylistsSummary {
  total: number;
  fetched: number;
  unchanged: number;
  forbidden: number;
  details: PlaylistReport[];
}

/** What a playlist's finished pass keeps: the snapshot it read, how it ended, how many items. */
interface Mark {
  snapshot: string;
  status: string;
  items: number;
}

/**
 * Each playlist's items, after the playlists list: a playlist whose snapshot_id was already
 * exported is not fetched again; one the list says is empty needs no request.
 */
export async function exportPlaylistItems(store: Store, client: HttpClient, summary: PlaylistsSummary, tick: (s: string) => (p: StreamPage<Json, unknown>) => void): Promise<void> {
  // The list just written (or written by the run this one resumes) is the work list.
  const rows = await store.all<{ playlist_id: string; name: string; snapshot: string | null; item_count: number | null }>(
    `SELECT playlist_id, name, snapshot, item_count FROM playlists WHERE source = 'spotify_api' ORDER BY playlist_id`,
  );
  const mode: spotify.PlaylistItemsMode = { endpoint: 'items' };
  summary.total = rows.length;
  for (const row of rows) {
    const id = row.playlist_id.replace(/^spotify:playlist:/, '');
    const key = `spotify.playlist_items:${id}`;
    const state = await store.one<{ state: string }>('SELECT state FROM checkpoints WHERE stream = $1', [key]);
    const parsed = state ? (JSON.parse(typeof state.state === 'string' ? state.state : JSON.stringify(state.state)) as { cursor: unknown; hwm: Mark | null }) : undefined;
    if (parsed && parsed.cursor === null && parsed.hwm && parsed.hwm.snapshot === row.snapshot) {
      summary.unchanged++;
      if (parsed.hwm.status === 'forbidden') summary.forbidden++;
      summary.details.push({ id, name: row.name, status: parsed.hwm.status === 'forbidden' ? 'forbidden' : 'unchanged', items: parsed.hwm.items });
      continue;
    }
    if (row.item_count === 0) {
      // The list says it is empty: no request needed to know its (no) items.
      await store.transaction(async () => {
        await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [row.playlist_id]);
        await w.setPlaylistStatus(store, id, 'complete');
        await writeCheckpoint(store, key, { v: 1, cursor: null, pending: null, hwm: { snapshot: row.snapshot ?? '', status: 'complete', items: 0 } });
      });
      summary.fetched++;
      summary.details.push({ id, name: row.name, status: 'fetched', items: 0 });
      continue;
    }
    const stream = `playlist_items:${id}`;
    const r = await runStream<Json, unknown, Mark>(store, {
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
        const offset = p.offset ?? 0;
        const n = await w.stagePage(store, stream, offset, p.records, spotify.playlistRowObject, c.first || offset === 0);
        if (c.last) await w.finishPlaylistItems(store, stream, id);
        return n;
      },
      mark: (p, pending) => ({ snapshot: row.snapshot ?? '', status: p.status ?? 'complete', items: (pending?.items ?? 0) + p.records.length }),
      onPage: tick(`playlist ${row.name}`),
    });
    const status = (r.status as PlaylistReport['status'] | undefined) ?? 'fetched';
    if (status === 'forbidden') summary.forbidden++;
    else summary.fetched++;
    const done = await store.scalar<number>('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [row.playlist_id]);
    summary.details.push({ id, name: row.name, status, items: Number(done) });
  }
}
