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

/**
 * The next bound after a page. The server's bounds are strict (`listened_at < max_ts`,
 * `> min_ts`), so the next page starts one second inside the last listen seen: listens sharing
 * that second are read twice (the store drops the repeat) rather than lost. A page all in one
 * second moves past it, or paging would never advance.
 */
function nextBound(dir: 'back' | 'forward', items: ListenRecord[], current: number): number {
  const times = items.map((l) => l.listenedAt);
  if (dir === 'back') {
    const oldest = Math.min(...times);
    return oldest + 1 < current ? oldest + 1 : oldest;
  }
  const newest = Math.max(...times);
  return newest - 1 > current ? newest - 1 : newest;
}

/**
 * A user's listens (https://listenbrainz.readthedocs.io/en/latest/users/api/core.html#get--1-user-(user_name)-listens).
 * The server answers newest first. With `min_ts` it answers the `count` listens just after it
 * (still newest first), so a pass with `from` > 0 pages forwards: that is how a later sync reads
 * what came in since, backdated listens included. A first pass (`from` 0) pages backwards with
 * `max_ts` from the pass start to the oldest listen. The cursor is the bound of the next request.
 */
export function listensStream(api: HttpClient, o: { user: string; window: ListensWindow; count?: number }): DeclaredStream<ListenRecord> {
  const { window } = o;
  const count = o.count ?? LISTENS_PER_PAGE;
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
        const raw = res.body.payload?.listens;
        if (!Array.isArray(raw)) throw new MixtapeError('unexpected_json', `ListenBrainz answered ${res.url} without payload.listens`, { suggestion: 'check MIXTAPE_LISTENBRAINZ_API_URL points at a ListenBrainz API' });
        const items = raw.map(listenRecord).filter((r): r is ListenRecord => typeof r !== 'string');
        // A short page is the last one; a forward pass also ends once it reaches the pass start.
        const full = raw.length >= count && items.length > 0;
        const next = full ? nextBound(dir, items, bound) : undefined;
        const done = next === undefined || (dir === 'forward' && next > window.to);
        return { items: raw, raw: res.body, url: res.url, next: done ? undefined : String(next) };
      },
    },
  });
}
