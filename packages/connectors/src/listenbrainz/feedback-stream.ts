import { MixtapeError } from '@mixtape/core';
import { declareStream, type DeclaredStream } from '../http/declare.js';
import type { HttpClient } from '../http/client.js';
import { feedbackRecord, type FeedbackRecord } from './listens.js';

/** Feedback items one request may ask for (the server's MAX_ITEMS_PER_GET). */
export const FEEDBACK_PER_PAGE = 1000;

interface FeedbackPayload {
  feedback?: unknown[];
  total_count?: number;
}

/**
 * A user's loves and hates (https://listenbrainz.readthedocs.io/en/latest/users/api/feedback.html#get--1-feedback-user-(user_name)-get-feedback),
 * newest first (the server orders by `created`, which a changed score renews), paged by offset with
 * `metadata=true` so that a love of a recording never listened to here still names its track. The
 * pass ends at the first page reaching feedback older than `since` (seconds): what came before was
 * read by an earlier sync. Items are mapped as the export's `feedback.jsonl` lines are. Feedback
 * given while the pass runs pushes older items down a place: they are read twice, never skipped.
 * Withdrawn feedback is deleted on the server and so never listed.
 */
export function feedbackStream(api: HttpClient, o: { user: string; since?: number | undefined; count?: number }): DeclaredStream<FeedbackRecord> {
  const limit = Math.min(o.count ?? FEEDBACK_PER_PAGE, FEEDBACK_PER_PAGE);
  const path = `1/feedback/user/${encodeURIComponent(o.user)}/get-feedback`;
  return declareStream<unknown, FeedbackRecord>({
    name: `feedback:${o.user.toLowerCase()}`,
    writeMode: 'append',
    checkpoint: 'offset',
    map: (raw) => {
      const r = feedbackRecord(raw);
      return r === undefined || typeof r === 'string' ? undefined : r;
    },
    paginator: {
      kind: 'offset',
      limit,
      fetch: async (offset, count) => {
        const res = await api.request<FeedbackPayload>({ method: 'GET', path, params: { offset, count, metadata: true }, authScheme: 'Token' });
        if (res.outcome === 'not_found') {
          throw new MixtapeError('unknown_user', `ListenBrainz has no user "${o.user}"`, { suggestion: 'pass the user name shown in your ListenBrainz profile URL' });
        }
        const items = res.body.feedback;
        if (!Array.isArray(items)) throw new MixtapeError('unexpected_json', `ListenBrainz answered ${res.url} without a feedback list`, { suggestion: 'check MIXTAPE_LISTENBRAINZ_API_URL points at a ListenBrainz API' });
        const created = items.map((f) => Number((f as { created?: unknown }).created)).filter(Number.isFinite);
        const reachedOld = o.since !== undefined && created.some((c) => c < o.since!);
        return { items, raw: res.body, url: res.url, total: res.body.total_count, hasNext: items.length === count && !reachedOld };
      },
    },
  });
}
