import { highWaterOf, keyOf, MAX_PAGES, type DeclaredStream, type Stream, type StreamPage } from '@mixtape/connectors';
import type { Store } from '../store/store.js';
import { readCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint.js';

/** What a writer knows about the page it writes. */
export interface PageContext<H> {
  /** The first page of a fresh pass (not a resumed one): the place to clear what the pass replaces. */
  first: boolean;
  /** This page ends the stream: the place to turn staged rows into final ones. */
  last: boolean;
  pending: H | null;
  /** Id of the pass (its start time), the same across resumes. */
  pass: string;
}

export interface StreamJob<R, C, H> {
  /** Checkpoint key, e.g. `spotify.saved_tracks`. */
  key: string;
  /** Raw pages are kept under (source, stream name, pass + page key). */
  source: string;
  /** Builds the stream from the last finished high-water mark (and, when resuming, the pending one). */
  stream: (hwm: H | null, pending: H | null) => Stream<R, C>;
  /** Writes one page's records; runs inside the page's transaction. */
  write: (page: StreamPage<R, C>, ctx: PageContext<H>) => Promise<number>;
  /**
   * Folds a page into the high-water mark being built. A declared stream needs none: its
   * `highWater` field gives the mark, its `window` is the mark of the pass.
   */
  mark?: (page: StreamPage<R, C>, pending: H | null) => H | null;
  /**
   * A full pass (`--full`): once a declared stream with a primary key (not `append`) has been read
   * whole in this process, `sweep` gets every key it saw, in the last page's transaction, and
   * removes the stream's rows that are not among them. Returns how many it removed.
   */
  full?: boolean;
  sweep?: (keys: string[]) => Promise<number>;
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
  /** Rows a full pass removed because the service no longer has them. */
  removed: number;
  status?: string;
}

/** The declaration of a declared stream, or undefined for a hand-built one. */
const declarationOf = <R, C>(s: Stream<R, C>) => (s as Partial<DeclaredStream<R>>).declaration;

/** The mark a declaration implies: the largest high-water value, or the pass's fixed window. */
function declaredMark<R, C, H>(s: Stream<R, C>): ((page: StreamPage<R, C>, pending: H | null) => H | null) | undefined {
  const d = declarationOf(s);
  if (d?.window) {
    const w = d.window;
    return (_p, pending) => pending ?? (w as H);
  }
  if (d?.highWater) return (p, pending) => highWaterOf(d, p.records, pending as string | number | null) as H | null;
  return undefined;
}

/**
 * Runs one stream: each page and its checkpoint are written in ONE transaction, so a kill at any
 * moment either keeps a page with its checkpoint or neither. The high-water mark moves only in the
 * transaction of the last page. The next page is fetched while this one is written (it is not
 * committed before its own turn, so a kill only costs that fetch).
 */
export async function runStream<R, C, H>(store: Store, job: StreamJob<R, C, H>): Promise<StreamResult> {
  const state = await readCheckpoint<C, H>(store, job.key);
  const restart = state.cursor !== null && (job.restart?.(state) ?? false);
  const resumed = state.cursor !== null && !restart;
  let pending: H | null = resumed ? state.pending : null;
  const pass = (resumed ? state.pass : null) ?? new Date().toISOString();
  const result: StreamResult = { key: job.key, pages: 0, records: 0, written: 0, resumed, removed: 0 };
  const stream = job.stream(state.hwm, pending);
  const mark = job.mark ?? declaredMark<R, C, H>(stream);
  const decl = declarationOf(stream);
  // Only a pass read whole here may sweep: a resumed one never saw its earlier pages' keys.
  let sweep = job.full && job.sweep && !resumed && decl?.primaryKey !== undefined && decl.writeMode !== 'append' && decl.since === undefined ? job.sweep : undefined;
  const seen = new Set<string>();
  const pages = stream.read(resumed ? (state.cursor as C) : undefined);
  let first = !resumed;
  // The prefetch may fail while a page is being written: mark it handled; awaiting it still throws.
  const prefetch = () => {
    const p = pages.next();
    p.catch(() => {});
    return p;
  };
  let ahead = prefetch();
  // Bounded by the stream's own paging: it ends when the stream says there is no next page.
  for (let step = 0; step < MAX_PAGES; step++) {
    const item = await ahead;
    if (item.done) break;
    const page = item.value;
    const last = page.next === undefined;
    if (!last) ahead = prefetch();
    pending = mark ? mark(page, pending) : pending;
    // A page with a status (forbidden, gone) did not list the set: nothing may be swept after it.
    if (page.status) sweep = undefined;
    if (sweep && decl) for (const r of page.records) {
      const k = keyOf(decl, r);
      if (k !== undefined) seen.add(k);
    }
    const next: CheckpointState = last ? { v: 1, cursor: null, pending: null, hwm: pending ?? state.hwm, pass: null } : { v: 1, cursor: page.next, pending, hwm: state.hwm, pass };
    const written = await store.transaction(async () => {
        const n = await job.write(page, { first, last, pending, pass });
        if (last && sweep) result.removed = await sweep([...seen]);
        if (job.keepRaw !== false) {
          await store.run(
            `INSERT OR REPLACE INTO raw_pages (source, stream, page_key, url, fetched_at, body) VALUES ($1, $2, $3, $4, current_timestamp, $5)`,
            [job.source, stream.name, `${pass} ${page.key}`, page.url ?? null, JSON.stringify(page.raw ?? null)],
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
    if (last) break;
  }
  return result;
}
