import { loadModel, Recommender, type FeedbackKind, type Listener, type ModelArtifact } from '@mixtape/model';
import { MixtapeError } from '@mixtape/core';
import { LISTENER_ID } from '../recommend/listener-id.js';
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
  // Tracks heard or saved since training are the listener's too: they explain picks and count as known.
  const positives = new Set<number>(base.positives);
  if (state) {
    for (const e of (await sinceTraining(store, m)).events) {
      const i = m.recommender.item(e.item);
      if (i !== undefined && e.kind !== 'skip') positives.add(i);
    }
  }
  return { vector: state ? Float32Array.from(state.vector) : base.vector, positives: Int32Array.from(positives), exclude: Int32Array.from(exclude) };
}

/** Folds the listener's history, everything heard or saved since training, and all their feedback into a new vector, and stores it. */
export async function refoldListener(store: Store, m: LoadedModel): Promise<Listener> {
  // The history comes back in through `baseUser`, with the same damped confidence as training.
  const events: Array<{ item: string; kind: FeedbackKind; weight?: number }> = [];
  const negatives = (m.artifact.extra?.negatives as Array<{ item: string; skips: number }> | undefined) ?? [];
  for (const n of negatives) events.push({ item: n.item, kind: 'skip', weight: n.skips });
  events.push(...(await sinceTraining(store, m)).events);
  for (const f of await store.all<{ track_id: string; kind: FeedbackKind }>('SELECT track_id, kind FROM feedback ORDER BY feedback_at')) events.push({ item: f.track_id, kind: f.kind });
  const l = m.recommender.listenerFromFeedback(events, { baseUser: LISTENER_ID });
  await store.run('INSERT OR REPLACE INTO listener_state VALUES ($1, $2::FLOAT[], current_timestamp)', [m.modelId, JSON.stringify(Array.from(l.vector))]);
  return l;
}

/** What the listener did after the model was trained, as fold-in evidence. */
export interface SinceTraining {
  /** The newest play the model was trained on (ISO), or when it was trained for older models. */
  cutoff: string;
  events: Array<{ item: string; kind: FeedbackKind; weight?: number }>;
  /** Plays and saves since then, and how many of their tracks the model has no factors for (left to the next training). */
  plays: number;
  saves: number;
  tracks: number;
  unknownTracks: number;
}

/**
 * Plays after the training cut-off (one 'played' event per track, weighted by its plays; skips as
 * 'skip') and tracks saved, loved or starred since (as 'like'). Tracks without item factors stay
 * out of the vector: the nightly `mixtape train` gives them factors.
 */
export async function sinceTraining(store: Store, m: LoadedModel): Promise<SinceTraining> {
  const trained = m.artifact.extra?.trainedThrough;
  const cutoff = typeof trained === 'string' ? trained
    : (await store.scalar<string>("SELECT strftime(created_at, '%Y-%m-%dT%H:%M:%S.%fZ') FROM models WHERE model_id = $1", [m.modelId])) ?? '1970-01-01T00:00:00.000Z';
  const rows = await store.all<{ track_id: string; plays: number; skips: number; saved: boolean }>(
    `WITH p AS (
       SELECT track_id, count(*) FILTER (NOT coalesce(skipped, false)) AS plays, count(*) FILTER (coalesce(skipped, false)) AS skips
       FROM plays WHERE kind = 'track' AND source <> 'spotify_api' AND played_at > $1::TIMESTAMP GROUP BY track_id),
     s AS (SELECT DISTINCT item_id AS track_id FROM library WHERE kind = 'track' AND added_at > $1::TIMESTAMP)
     SELECT track_id, coalesce(p.plays, 0) AS plays, coalesce(p.skips, 0) AS skips, s.track_id IS NOT NULL AS saved
     FROM p FULL JOIN s USING (track_id) ORDER BY track_id`,
    [cutoff.replace(/Z$/, '')],
  );
  const events: SinceTraining['events'] = [];
  let plays = 0;
  let saves = 0;
  let unknown = 0;
  for (const r of rows) {
    plays += Number(r.plays) + Number(r.skips);
    if (r.saved) saves++;
    if (m.recommender.item(r.track_id) === undefined) {
      unknown++;
      continue;
    }
    if (Number(r.plays) > 0) events.push({ item: r.track_id, kind: 'played', weight: Number(r.plays) });
    if (Number(r.skips) > 0) events.push({ item: r.track_id, kind: 'skip', weight: Number(r.skips) });
    if (r.saved) events.push({ item: r.track_id, kind: 'like' });
  }
  return { cutoff, events, plays, saves, tracks: rows.length, unknownTracks: unknown };
}
