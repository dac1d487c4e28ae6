import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { listenbrainz, type HttpClient, type StreamPage } from '@mixtape/connectors';
import { runStream } from '../runner/run-stream.js';
import { recordRun } from '../runner/runs.js';
import type { Store } from '../store/store.js';
import { syncListenBrainzFeedback, type FeedbackSynced } from './listenbrainz-feedback.js';
import { writeListens } from './listenbrainz-write.js';

/** Days re-read before the newest stored listen: imported and offline listens arrive backdated. */
export const LISTENBRAINZ_OVERLAP_DAYS = 14;

export interface ListenBrainzSyncOptions {
  user: string;
  /** Days to re-read before the newest stored listen (default 14). */
  overlapDays?: number;
  /** The one ListenBrainz client; by default one from MIXTAPE_LISTENBRAINZ_API_URL and LISTENBRAINZ_TOKEN. */
  client?: HttpClient;
  env?: NodeJS.ProcessEnv;
  /** Listens a request asks for (the server allows 1000). */
  pageSize?: number;
  /** Feedback items a request asks for (the server allows 1000). */
  feedbackPageSize?: number;
  onProgress?: ProgressFn;
}

export interface ListenBrainzSyncSummary {
  user: string;
  /** Listens read from the API, re-read ones included. */
  listens: number;
  /** New plays stored. */
  added: number;
  duplicates: number;
  /** The same listen already stored from Spotify, Last.fm or a scrobble file. */
  alreadyElsewhere: number;
  rejected: Record<string, number>;
  /** Loves and hates newly recorded as likes and bans. */
  feedback: number;
  /** The feedback pass: read, likes, bans, repeats, and those naming a recording no listen here names. */
  feedbackDetail: FeedbackSynced;
  /**
   * Seconds holding more listens than the API lets a client read (it answers at most 1,000 a
   * request and cannot page within one second): the listens read from each are stored, the rest are
   * not. The export zip has them all.
   */
  incomplete: Array<{ at: string; read: number }>;
  direction: 'backwards' | 'forwards';
  /** Where a forward pass started (the newest stored listen minus the overlap). */
  from: string | null;
  pages: number;
  requests: number;
  resumed: boolean;
}

/** A pass's window (seconds) and the newest listen it has seen, kept as the stream's mark. */
interface Mark extends listenbrainz.ListensWindow {
  newest: number | null;
}

const DAY_S = 86_400;

/**
 * `mixtape import listenbrainz --user NAME`, and the daily job's listen and feedback sync. The
 * first pass pages backwards from now to the oldest listen; every later one pages forwards from
 * the newest listen seen minus `overlapDays`, so a listen submitted late with an old time is still
 * read; re-read listens add nothing. Then loves and hates, newest first down to the last pass's
 * newest. Each page is written with its checkpoint in one transaction: a killed sync resumes where
 * it stopped.
 */
export async function syncListenBrainz(store: Store, o: ListenBrainzSyncOptions): Promise<ListenBrainzSyncSummary> {
  const { user } = o;
  if (!/^[A-Za-z0-9_.@+-]{1,64}$/.test(user)) throw new MixtapeError('invalid_user', `"${user}" is not a ListenBrainz user name`, { suggestion: 'pass the name shown in your ListenBrainz profile URL' });
  const overlap = o.overlapDays ?? LISTENBRAINZ_OVERLAP_DAYS;
  if (!Number.isFinite(overlap) || overlap < 0) throw new MixtapeError('invalid_flags', `--overlap must be a number of days from 0 (got ${overlap})`, { suggestion: 'use --overlap 14' });
  const env = o.env ?? process.env;
  const client = o.client ?? listenbrainz.listenBrainzClient({ token: env.LISTENBRAINZ_TOKEN, env });
  const progress = o.onProgress ?? noProgress;
  const key = `listenbrainz.listens:${user.toLowerCase()}`;
  const summary: ListenBrainzSyncSummary = { user, listens: 0, added: 0, duplicates: 0, alreadyElsewhere: 0, rejected: {}, feedback: 0, feedbackDetail: { read: 0, pages: 0, likes: 0, bans: 0, duplicates: 0, unresolved: 0 }, incomplete: [], direction: 'backwards', from: null, pages: 0, requests: 0, resumed: false };
  const requestsBefore = client.stats.requests;
  const onIncomplete = (x: listenbrainz.IncompleteSecond) => {
    const at = new Date(x.at * 1000).toISOString();
    if (!summary.incomplete.some((y) => y.at === at)) summary.incomplete.push({ at, read: x.read });
  };
  return recordRun(store, `import listenbrainz ${user}`, async () => {
    const stored = await store.scalar<number | null>(`SELECT epoch(max(played_at))::BIGINT FROM plays WHERE source = 'listenbrainz'`);
    let mark: Mark | null = null;
    const r = await runStream<listenbrainz.ListenRecord, unknown, Mark>(store, {
      key,
      source: 'listenbrainz',
      stream: (hwm, pending) => {
        // The newest listen seen: stored as a play, or seen last pass (a listen kept from another source is not stored as ours).
        const newest = Math.max(Number(stored ?? 0), hwm?.newest ?? 0);
        mark = pending ?? { from: newest > 0 ? Math.max(1, newest - Math.round(overlap * DAY_S)) : 0, to: Math.floor(Date.now() / 1000), newest: newest || null };
        summary.direction = mark.from > 0 ? 'forwards' : 'backwards';
        summary.from = mark.from > 0 ? new Date(mark.from * 1000).toISOString() : null;
        return listenbrainz.listensStream(client, { user, window: mark, onIncomplete, ...(o.pageSize ? { count: o.pageSize } : {}) });
      },
      mark: (page: StreamPage<listenbrainz.ListenRecord, unknown>, pending) => {
        const m = pending ?? mark!;
        const seen = page.records.reduce((a, l) => Math.max(a, l.listenedAt), m.newest ?? 0);
        return { from: m.from, to: m.to, newest: seen || null };
      },
      write: async (page) => {
        const w = await writeListens(store, page.records, `listenbrainz:${user.toLowerCase()}`, summary.rejected);
        summary.listens += page.records.length;
        summary.added += w.inserted;
        summary.duplicates += w.duplicates;
        summary.alreadyElsewhere += w.alreadyElsewhere;
        progress({ unit: 'listens', done: summary.listens, message: `${summary.direction} · ${summary.added} new · ${client.stats.requests - requestsBefore} requests` });
        return w.inserted;
      },
    });
    summary.pages = r.pages;
    summary.resumed = r.resumed;
    summary.feedbackDetail = await syncListenBrainzFeedback(store, { user, client, ...(o.feedbackPageSize ? { pageSize: o.feedbackPageSize } : {}) });
    summary.feedback = summary.feedbackDetail.likes + summary.feedbackDetail.bans;
    progress({ unit: 'listens', done: summary.listens, message: `${summary.added} new · ${summary.feedback} likes and bans · ${client.stats.requests - requestsBefore} requests` });
    summary.requests = client.stats.requests - requestsBefore;
    return summary;
  });
}
