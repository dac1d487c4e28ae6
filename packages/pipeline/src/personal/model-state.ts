import { loadModel, Recommender, type FeedbackKind, type Listener, type ModelArtifact } from '@mixtape/model';
import { MixtapeError } from '@mixtape/core';
import { LISTENER_ID } from '../recommend/training-data.js';
import type { Store } from '../store/store.js';

export interface LoadedModel {
  modelId: string;
  artifact: ModelArtifact;
  recommender: Recommender;
}

/** Loads the newest personal model, or says how to make one. */
export async function loadPersonalModel(store: Store): Promise<LoadedModel> {
  const row = await store.one<{ model_id: string; path: string }>("SELECT model_id, path FROM models WHERE kind = 'personal' ORDER BY created_at DESC, model_id DESC LIMIT 1");
  if (!row) throw new MixtapeError('no_model', 'There is no trained model yet', { suggestion: 'run `mixtape train` first' });
  const artifact = loadModel(row.path);
  return { modelId: row.model_id, artifact, recommender: await Recommender.create(artifact) };
}

/** Finds a track by Mixtape id, Spotify URI, MusicBrainz id or "Artist - Title". */
export async function findTrack(store: Store, ref: string): Promise<{ track_id: string; title: string; artist_name: string | null }> {
  const direct = await store.one<{ track_id: string; title: string; artist_name: string | null }>(
    `SELECT t.track_id, t.title, t.artist_name FROM tracks t LEFT JOIN track_keys k ON k.track_id = t.track_id
     WHERE t.track_id = $1 OR (k.key_type IN ('spotify', 'mbid', 'isrc') AND k.key = $1) LIMIT 1`,
    [ref],
  );
  if (direct) return direct;
  const dash = ref.indexOf(' - ');
  if (dash > 0) {
    const byName = await store.one<{ track_id: string; title: string; artist_name: string | null }>(
      `SELECT t.track_id, t.title, t.artist_name FROM track_keys k JOIN tracks t USING (track_id)
       WHERE k.key_type = 'name' AND k.key = mt_name_key('track', $1, $2)`,
      [ref.slice(0, dash), ref.slice(dash + 3)],
    );
    if (byName) return byName;
  }
  throw new MixtapeError('unknown_track', `No track "${ref}" in your library or history`, {
    suggestion: 'use a track id from `mixtape recommend --json`, a Spotify URI, or "Artist - Title"',
  });
}

/**
 * The listener as of now: the trained vector, or, once there is feedback, the fold-in of their
 * history plus every feedback event (persisted in `listener_state` by `mixtape feedback`).
 */
export async function currentListener(store: Store, m: LoadedModel): Promise<Listener> {
  const base = m.recommender.listener(LISTENER_ID);
  const state = await store.one<{ vector: number[] }>('SELECT vector FROM listener_state WHERE model_id = $1', [m.modelId]);
  const banned = await store.all<{ track_id: string }>("SELECT DISTINCT track_id FROM feedback WHERE kind = 'ban'");
  const exclude = new Set<number>(base.exclude);
  for (const b of banned) {
    const i = m.recommender.item(b.track_id);
    if (i !== undefined) exclude.add(i);
  }
  return { vector: state ? Float32Array.from(state.vector) : base.vector, positives: base.positives, exclude: Int32Array.from(exclude) };
}

/** Folds the listener's history and all their feedback into a new vector, and stores it. */
export async function refoldListener(store: Store, m: LoadedModel): Promise<Listener> {
  // The history comes back in through `baseUser`, with the same damped confidence as training.
  const events: Array<{ item: string; kind: FeedbackKind; weight?: number }> = [];
  const negatives = (m.artifact.extra?.negatives as Array<{ item: string; skips: number }> | undefined) ?? [];
  for (const n of negatives) events.push({ item: n.item, kind: 'skip', weight: n.skips });
  for (const f of await store.all<{ track_id: string; kind: FeedbackKind }>('SELECT track_id, kind FROM feedback ORDER BY feedback_at')) events.push({ item: f.track_id, kind: f.kind });
  const l = m.recommender.listenerFromFeedback(events, { baseUser: LISTENER_ID });
  await store.run('INSERT OR REPLACE INTO listener_state VALUES ($1, $2::FLOAT[], current_timestamp)', [m.modelId, JSON.stringify(Array.from(l.vector))]);
  return l;
}
