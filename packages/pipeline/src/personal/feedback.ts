import { topK, type FeedbackKind } from '@mixtape/model';
import { withStore, type OpenOptions } from '../store/store.js';
import { findTrack, loadPersonalModel, refoldListener } from './model-state.js';
import { RECOMMENDATION_PLAYLIST } from './recommend.js';

export interface FeedbackResult {
  track_id: string;
  title: string;
  artist: string | null;
  kind: FeedbackKind;
  /** Time from the feedback to the listener's new vector and new top-10, in ms (model load excluded). */
  updateMs: number;
  /** How many of the top-10 changed. */
  topChanged: number;
}

/** Records a like, skip, ban or play and folds it into the listener's vector at once (no retraining). */
export async function recordFeedback(o: { store: OpenOptions; track: string; kind: FeedbackKind }): Promise<FeedbackResult> {
  return withStore(o.store, async (store) => {
    const t = await findTrack(store, o.track);
    const m = await loadPersonalModel(store);
    const arm = await store.scalar<string | undefined>('SELECT arm FROM recommendations WHERE playlist_id = $1 AND track_id = $2 LIMIT 1', [RECOMMENDATION_PLAYLIST, t.track_id]);
    const before = await store.one<{ vector: number[] }>('SELECT vector FROM listener_state WHERE model_id = $1', [m.modelId]);
    const start = performance.now();
    const oldScores = await m.recommender.scores(before ? { ...m.recommender.listener('me'), vector: Float32Array.from(before.vector) } : m.recommender.listener('me'));
    const oldTop = new Set(topK(oldScores, 10));
    await store.run('INSERT INTO feedback (feedback_at, track_id, kind, arm) VALUES (current_timestamp, $1, $2, $3)', [t.track_id, o.kind, arm ?? null]);
    const l = await refoldListener(store, m);
    const newTop = topK(await m.recommender.scores(l), 10);
    const updateMs = performance.now() - start;
    return { track_id: t.track_id, title: t.title, artist: t.artist_name, kind: o.kind, updateMs: Math.round(updateMs * 10) / 10, topChanged: Array.from(newTop).filter((i) => !oldTop.has(i)).length };
  });
}
