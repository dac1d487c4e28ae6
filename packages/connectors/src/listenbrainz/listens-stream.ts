import { MixtapeError } from '@mixtape/core';
import { declareStream, type DeclaredStream } from '../http/declare.js';
import type { HttpClient } from '../http/client.js';
import { listenRecord, type ListenRecord } from './listens.js';

/** Listens one request may ask for (the server's MAX_ITEMS_PER_GET). */
export const LISTENS_PER_PAGE = 1000;

/** The time window of one pass, in seconds: `from` 0 pages backwards from `to`, else forwards from `from`. */
export interface ListensWindow {
  from: number;
  to: number;
}

interface ListensPayload {
  payload?: { count?: number; listens?: unknown[]; latest_listen_ts?: number };
}

/** A second of listens the API could not be read whole in: it answers at most 1,000 listens a request and cannot page within one second. */
export interface IncompleteSecond {
  /** The second, epoch seconds. */
  at: number;
  /** Distinct listens read in it. */
  read: number;
}

/**
 * The next bound after a page that spans more than one second. The server's bounds are strict
 * (`listened_at < max_ts`, `> min_ts`), so the next page starts one second inside the last listen
 * seen: listens sharing that second are read twice (the store drops the repeat) rather than lost.
 */
function nextBound(dir: 'back' | 'forward', times: number[]): number {
  return dir === 'back' ? Math.min(...times) + 1 : Math.max(...times) - 1;
}

/** ListenBrainz keeps one listen per user, second and track name: the identity of a listen here. */
const listenKey = (raw: unknown) => {
  const l = raw as { listened_at?: unknown; track_metadata?: { track_name?: unknown; artist_name?: unknown } };
  return `${Math.floor(Number(l.listened_at))}\u0001${String(l.track_metadata?.track_name)}\u0001${String(l.track_metadata?.artist_name)}`;
};

/**
 * Every listen of second `s` the API gives: a page all in one second cannot move its bound inside
 * that second, so the second is read on its own, ascending (`min_ts` and `max_ts` around it) at the
 * server's maximum, then, if that was full, descending from its end: an index read the other way
 * round returns the other end of the second first. Up to 2,000 listens in one second are read
 * whole; a fuller one is reported through `onIncomplete`, never passed over silently.
 */
async function readSecond(api: HttpClient, path: string, s: number, page: unknown[], onIncomplete: ((x: IncompleteSecond) => void) | undefined): Promise<{ raw: unknown[]; url: string }> {
  const ask = async (params: Record<string, number>) => {
    const res = await api.request<ListensPayload>({ method: 'GET', path, params: { ...params, count: LISTENS_PER_PAGE }, authScheme: 'Token' });
    return { raw: listensOf(res).filter((l) => Math.floor(Number((l as { listened_at?: unknown }).listened_at)) === s), url: res.url };
  };
  const seen = new Map<string, unknown>();
  const add = (list: unknown[]) => list.forEach((l) => seen.set(listenKey(l), l));
  const up = await ask({ min_ts: s - 1, max_ts: s + 1 });
  add(up.raw);
  if (up.raw.length >= LISTENS_PER_PAGE) {
    add((await ask({ max_ts: s + 1 })).raw);
    // The two ends met (some listens read from both) only when the second holds fewer than 2,000;
    // no overlap, or nothing new from the other end, and it may hold more than the API lets us see.
    if (seen.size === LISTENS_PER_PAGE || seen.size >= 2 * LISTENS_PER_PAGE) onIncomplete?.({ at: s, read: seen.size });
  }
  add(page);
  return { raw: [...seen.values()], url: up.url };
}

function listensOf(res: { body: ListensPayload; url: string }): unknown[] {
  const raw = res.body.payload?.listens;
  if (!Array.isArray(raw)) throw new MixtapeError('unexpected_json', `ListenBrainz answered ${res.url} without payload.listens`, { suggestion: 'check MIXTAPE_LISTENBRAINZ_API_URL points at a ListenBrainz API' });
  return raw;
}

/**
 * A user's listens (https://listenbrainz.readthedocs.io/en/latest/users/api/core.html#get--1-user-(user_name)-listens).
 * The server answers newest first. With `min_ts` it answers the `count` listens just after it
 * (still newest first), so a pass with `from` > 0 pages forwards: that is how a later sync reads
 * what came in since, backdated listens included. A first pass (`from` 0) pages backwards with
 * `max_ts` from the pass start to the oldest listen. The cursor is the bound of the next request.
 */
export function listensStream(api: HttpClient, o: { user: string; window: ListensWindow; count?: number; onIncomplete?: (x: IncompleteSecond) => void }): DeclaredStream<ListenRecord> {
  const { window } = o;
  // More than the server's maximum would come back as a short page, read as the last one.
  const count = Math.min(o.count ?? LISTENS_PER_PAGE, LISTENS_PER_PAGE);
  const dir = window.from > 0 ? 'forward' : 'back';
  const path = `1/user/${encodeURIComponent(o.user)}/listens`;
  return declareStream<unknown, ListenRecord>({
    name: `listens:${o.user.toLowerCase()}`,
    writeMode: 'append',
    window,
    checkpoint: dir === 'back' ? 'max_ts' : 'min_ts',
    map: (raw) => {
      const r = listenRecord(raw);
      return typeof r === 'string' ? undefined : r;
    },
    paginator: {
      kind: 'cursor',
      fetch: async (cursor) => {
        const bound = cursor === undefined ? (dir === 'back' ? window.to + 1 : window.from) : Number(cursor);
        if (!Number.isInteger(bound)) throw new MixtapeError('invalid_paging', `ListenBrainz listens: ${cursor} is not a time in seconds`, { suggestion: 'this is a bug; report it' });
        const res = await api.request<ListensPayload>({ method: 'GET', path, params: { [dir === 'back' ? 'max_ts' : 'min_ts']: bound, count }, authScheme: 'Token' });
        if (res.outcome === 'not_found') {
          throw new MixtapeError('unknown_user', `ListenBrainz has no user "${o.user}"`, { suggestion: 'pass the user name shown in your ListenBrainz profile URL' });
        }
        const raw = listensOf(res);
        const items = raw.map(listenRecord).filter((r): r is ListenRecord => typeof r !== 'string');
        // A short page is the last one; a forward pass also ends once it reaches the pass start.
        if (raw.length < count || items.length === 0) return { items: raw, raw: res.body, url: res.url, next: undefined };
        const times = items.map((l) => l.listenedAt);
        const second = Math.min(...times) === Math.max(...times) ? times[0]! : undefined;
        // A full page all in one second: that second read on its own, then the bound moves past it.
        const page = second === undefined ? { raw, url: res.url } : await readSecond(api, path, second, raw, o.onIncomplete);
        const next = second ?? nextBound(dir, times);
        const done = dir === 'forward' && next > window.to;
        return { items: page.raw, raw: second === undefined ? res.body : { payload: { listens: page.raw } }, url: page.url, next: done ? undefined : String(next) };
      },
    },
  });
}
