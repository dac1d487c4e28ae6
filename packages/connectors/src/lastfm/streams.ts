import { declareStream, type DeclaredStream } from '../http/declare.js';
import type { JsonGetter } from '../http/getter.js';
import { lovedTracks, recentTracks, type Scrobble } from './api.js';

/**
 * A user's scrobbles in a fixed time window (seconds), 200 a page
 * (https://www.last.fm/api/show/user.getRecentTracks). The window is the pass's mark: a resumed pass
 * keeps it, so page numbers keep meaning the same rows while new scrobbles arrive.
 */
export function recentTracksStream(api: JsonGetter, apiKey: string, o: { user: string; window: { from: number; to: number } }): DeclaredStream<Scrobble> {
  const { from, to } = o.window;
  return declareStream<Scrobble>({
    name: `recent:${o.user.toLowerCase()}`,
    writeMode: 'append',
    window: o.window,
    paginator: {
      kind: 'page_number',
      fetch: async (page) => {
        const p = await recentTracks(api, apiKey, { user: o.user, page, from: from || undefined, to });
        return { items: p.scrobbles, totalPages: p.totalPages, total: p.total, raw: p.raw };
      },
    },
  });
}

/** A user's loved tracks, read whole each time (https://www.last.fm/api/show/user.getLovedTracks). */
export function lovedTracksStream(api: JsonGetter, apiKey: string, o: { user: string }): DeclaredStream<Scrobble> {
  return declareStream<Scrobble>({
    name: `loved:${o.user.toLowerCase()}`,
    writeMode: 'merge',
    paginator: {
      kind: 'page_number',
      fetch: async (page) => {
        const p = await lovedTracks(api, apiKey, { user: o.user, page });
        return { items: p.scrobbles, totalPages: p.totalPages, total: p.total, raw: p.raw };
      },
    },
  });
}
