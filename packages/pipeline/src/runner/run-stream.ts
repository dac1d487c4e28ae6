import type { Stream, StreamPage } from '@mixtape/connectors';
import type { Store } from '../store/store.js';
import { readCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint.js';

export interface StreamJob<R, C, H> {
  /** Checkpoint key, e.g. `spotify.saved_tracks`. */
  key: string;
  /** Raw pages are kept under (source, stream name, page key). */
  source: string;
  /** Builds the stream from the last finished high-water mark. */
  stream: (hwm: H | null) => Stream<R, C>;
  /** Writes one page's records; runs inside the page's transaction. `first` is the stream's first page of this pass. */
  write: (page: StreamPage<R, C>, ctx: { first: boolean; pending: H | null }) => Promise<number>;
  /** Folds a page into the high-water mark being built. */
  mark?: (page: StreamPage<R, C>, pending: H | null) => H | null;
  /** True when an unfinished run's cursor must be dropped (e.g. the playlist changed since). */
  restart?: (state: CheckpointState<C, H>) => boolean;
  keepRaw?: boolean;
  onPage?: (page: StreamPage<R, C>, written: number) => void;
}

export interface StreamResult {
  key: string;
  pages: number;
  records: number;
  written: number;
  resumed: boolean;
  status?: string;
}

/**
 * Runs one stream: each page and its checkpoint are written in ONE transaction, so a kill at any
 * moment either keeps a page with its checkpoint or neither. The high-water mark moves only in the
 * transaction of the last page. Bounded by the stream's own paging.
 */
export async function runStream<R, C, H>(store: Store, job: StreamJob<R, C, H>): Promise<StreamResult> {
  const state = await readCheckpoint<C, H>(store, job.key);
  const restart = state.cursor !== null && (job.restart?.(state) ?? false);
  const resumed = state.cursor !== null && !restart;
  let pending: H | null = resumed ? state.pending : null;
  const result: StreamResult = { key: job.key, pages: 0, records: 0, written: 0, resumed };
  const stream = job.stream(state.hwm);
  let first = !resumed;
  for await (const page of stream.read(resumed ? (state.cursor as C) : undefined)) {
    pending = job.mark ? job.mark(page, pending) : pending;
    const last = page.next === undefined;
    const next: CheckpointState = last ? { v: 1, cursor: null, pending: null, hwm: pending ?? state.hwm } : { v: 1, cursor: page.next, pending, hwm: state.hwm };
    const written = await store.transaction(async () => {
      const n = await job.write(page, { first, pending });
      if (job.keepRaw !== false) {
        await store.run(
          `INSERT OR REPLACE INTO raw_pages (source, stream, page_key, url, fetched_at, body) VALUES ($1, $2, $3, $4, current_timestamp, $5)`,
          [job.source, stream.name, page.key, page.url ?? null, JSON.stringify(page.raw ?? null)],
        );
      }
      await writeCheckpoint(store, job.key, next);
      return n;
    });
    first = false;
    result.pages++;
    result.records += page.records.length;
    result.written += written;
    if (page.status) result.status = page.status;
    job.onPage?.(page, written);
  }
  return result;
}
