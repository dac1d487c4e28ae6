import { listenbrainz, type HttpClient, type StreamPage } from '@mixtape/connectors';
import { runStream } from '../runner/run-stream.js';
import type { Store } from '../store/store.js';
import { writeFeedback, type FeedbackWritten } from './listenbrainz-write.js';

export interface FeedbackSynced extends FeedbackWritten {
  /** Loves and hates read from the API (withdrawn ones are not listed by it). */
  read: number;
  pages: number;
}

/** The newest feedback time (seconds) seen: the next pass stops at it. */
interface FeedbackMark {
  newest: number | null;
}

/**
 * The API half of ListenBrainz feedback: loves become likes and hates bans, written by the same
 * code as the export's `feedback.jsonl`. Incremental: newest first down to the newest time seen by
 * the last finished pass (that second re-read; a repeat is not recorded twice). Each page is written
 * with its checkpoint in one transaction. Runs after the listens, so that feedback naming a
 * recording only by its MessyBrainz id finds the track through a listen just stored.
 */
export async function syncListenBrainzFeedback(store: Store, o: { user: string; client: HttpClient; pageSize?: number }): Promise<FeedbackSynced> {
  const out: FeedbackSynced = { read: 0, pages: 0, likes: 0, bans: 0, duplicates: 0, unresolved: 0 };
  let since: number | null = null;
  const r = await runStream<listenbrainz.FeedbackRecord, unknown, FeedbackMark>(store, {
    key: `listenbrainz.feedback:${o.user.toLowerCase()}`,
    source: 'listenbrainz',
    stream: (hwm) => {
      since = hwm?.newest ?? null;
      return listenbrainz.feedbackStream(o.client, { user: o.user, since: since ?? undefined, ...(o.pageSize ? { count: o.pageSize } : {}) });
    },
    mark: (page: StreamPage<listenbrainz.FeedbackRecord, unknown>, pending) => {
      const newest = page.records.reduce((a, f) => Math.max(a, f.createdAt), pending?.newest ?? since ?? 0);
      return { newest: newest || null };
    },
    write: async (page) => {
      // The last page reaches back past what the previous pass read: those are not written again.
      const fresh = since === null ? page.records : page.records.filter((f) => f.createdAt >= since!);
      const w = await writeFeedback(store, fresh);
      out.read += fresh.length;
      out.likes += w.likes;
      out.bans += w.bans;
      out.duplicates += w.duplicates;
      out.unresolved += w.unresolved;
      return w.likes + w.bans;
    },
  });
  out.pages = r.pages;
  return out;
}
