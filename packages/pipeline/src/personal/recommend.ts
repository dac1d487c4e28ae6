import { buildPlaylist, type ArmStats, type Candidate, type FeedbackKind, type Listener } from '@mixtape/model';
import { noProgress, type ProgressFn } from '@mixtape/core';
import { withStore, type OpenOptions, type Store } from '../store/store.js';
import { blend, zScale } from './blend-weight.js';
import { federatedPool, federatedReason, federatedSide, type FederatedSide, type FederationBlend } from './federated.js';
import { currentListener, findTrack, loadPersonalModel, type LoadedModel } from './model-state.js';

export const RECOMMENDATION_PLAYLIST = 'mixtape-recommendations';

export interface RecommendOptions {
  store: OpenOptions;
  count: number;
  explore?: number;
  seedTrack?: string;
  seedArtist?: string;
  /** Tracks played within this long of the newest play are not recommended. Default 2 days. */
  recentMs?: number;
  seed?: number;
  /** The federation state folder (default `federationDir()`): its installed global model is blended in. */
  stateDir?: string | undefined;
  onProgress?: ProgressFn;
  /** `recentMs` counts back from now instead of from the newest play (the daily playlist). */
  recentFromNow?: boolean;
  /** Favourites (liked, saved, loved, starred) heard recently may still fill this share of the picks. */
  favouritesShare?: number;
  /** Only these tracks may be picked (what a target server has). */
  allow?: ReadonlySet<string>;
  /** At most this many tracks per artist (default 2), never relaxed when set. */
  maxPerArtist?: number;
  /** Where the picks are stored (default the playlist `mixtape-recommendations`). */
  playlist?: { id: string; name: string; description: string };
}

export interface RecommendedTrack {
  position: number;
  track_id: string;
  title: string;
  artist: string | null;
  spotify_uri: string | null;
  arm: 'favourite' | 'new';
  reason: string;
  score: number;
  /** Which side ranked it: the personal model, or the federation's model solved for this listener. */
  source: 'personal' | 'federation';
}

export interface RecommendResult {
  playlistId: string;
  modelId: string;
  seed: string | null;
  tracks: RecommendedTrack[];
  /** How the installed global model was blended in; null without one (or for a seeded radio). */
  federation: FederationBlend | null;
  /** Why an installed global model was left out, when it was. */
  federationSkipped?: string;
}

async function seedListener(store: Store, m: LoadedModel, o: Omit<RecommendOptions, 'store'>): Promise<{ listener: Listener; label: string } | undefined> {
  let seeds: string[] = [];
  let label = '';
  if (o.seedTrack) {
    const t = await findTrack(store, o.seedTrack);
    seeds = [t.track_id];
    label = `${t.artist_name ?? '?'} - ${t.title}`;
  } else if (o.seedArtist) {
    const rows = await store.all<{ track_id: string; name: string }>(
      `SELECT t.track_id, a.name FROM tracks t JOIN artists a USING (artist_id) WHERE a.name_key = mt_norm($1)`,
      [o.seedArtist],
    );
    if (rows.length === 0) {
      const { MixtapeError } = await import('@mixtape/core');
      throw new MixtapeError('unknown_artist', `No artist "${o.seedArtist}" in your library or history`, { suggestion: 'check the spelling with `mixtape query "SELECT name FROM artists"`' });
    }
    seeds = rows.map((r) => r.track_id);
    label = rows[0]!.name;
  } else return undefined;
  // A radio: the listener vector of someone who only loves the seed; taste comes back in through
  // the exploration (known favourites are still one of the two arms).
  const events: Array<{ item: string; kind: FeedbackKind; weight?: number }> = seeds.map((s) => ({ item: s, kind: 'like', weight: 5 }));
  const base = await currentListener(store, m);
  const l = m.recommender.listenerFromFeedback(events);
  return { listener: { ...l, exclude: base.exclude }, label };
}

/**
 * A playlist of any length from the personal model, built by the model package's one playlist
 * builder: candidates by score, re-ranked by the exploration bandit (favourites vs new music, arm
 * stats from feedback), varied by artist, without tracks heard very recently, each with a reason.
 * Saved as the playlist `mixtape-recommendations`.
 */
export async function recommendPersonal(o: RecommendOptions): Promise<RecommendResult> {
  return withStore(o.store, (store) => recommendInStore(store, o));
}

/** `recommendPersonal` on an open store (the daily job runs it once per target). */
export async function recommendInStore(store: Store, o: Omit<RecommendOptions, 'store'>, model?: LoadedModel): Promise<RecommendResult> {
  const progress = o.onProgress ?? noProgress;
  const m = model ?? (await loadPersonalModel(store));
  progress({ unit: 'steps', done: 1, total: 3, message: `model ${m.modelId}` });
  const seeded = await seedListener(store, m, o);
  const base = await currentListener(store, m);
  // A radio is about its seed, not the listener's taste: only the listener's own picks are blended.
  const side = seeded ? undefined : await federatedSide(store, m, o.stateDir);
  const fed = side && 'blend' in side ? side : undefined;
  const poolSize = Math.max(200, o.count * 5);
  // Known beyond the model's history: liked or played since, and (outside the model) played at all.
  const heard = new Set((await store.all<{ track_id: string }>("SELECT DISTINCT track_id FROM feedback WHERE kind IN ('like', 'played')")).map((r) => r.track_id));
  for (const id of fed?.played ?? []) if (m.recommender.item(id) === undefined) heard.add(id);
  const tracks = new Map<string, TrackInfo>();
  const recentMs = o.recentMs ?? 2 * 86_400_000;
  let recent = await recentTracks(store, recentMs, o.recentFromNow ?? false);
  let favourites: { items: Set<string>; max: number } | undefined;
  if (o.favouritesShare !== undefined) {
    // Recently heard favourites are not skipped but limited to their share of the playlist.
    const fav = await favouriteTracks(store);
    const items = new Set([...recent].filter((id) => fav.has(id)));
    recent = new Set([...recent].filter((id) => !items.has(id)));
    favourites = { items, max: Math.floor(o.count * Math.min(1, Math.max(0, o.favouritesShare))) };
  }
  const picks = await buildPlaylist(m.recommender, seeded?.listener ?? base, {
    count: o.count,
    explore: o.explore ?? 0.2,
    seed: o.seed ?? Date.now() % 100000,
    pool: poolSize,
    history: base,
    heard,
    skip: recent,
    stats: await armStats(store),
    ...(o.allow ? { allow: o.allow } : {}),
    ...(o.maxPerArtist !== undefined ? { maxPerArtist: o.maxPerArtist, strictArtistCap: true } : {}),
    ...(favourites ? { limited: favourites } : {}),
    describe: async (ids) => {
      for (const t of await describeTracks(store, ids)) tracks.set(t.track_id, t);
      return { name: (id) => (tracks.has(id) ? label(tracks.get(id)!) : undefined), artist: (id) => tracks.get(id)?.artist_name ?? undefined, tags: (id) => tracks.get(id)?.tags ?? undefined };
    },
    // Tracks the federation ranks high that the personal pool lacks, catalogue tracks never played included.
    ...(fed && fed.blend.weight > 0 ? { extra: async (pool: readonly string[]) => federatedPool(fed, poolSize, new Set([...pool, ...(await banned(store))])) } : {}),
    ...(fed ? { rescore: (c: Candidate[], scores: Float32Array) => blendFederated(c, fed, scores, m) } : {}),
  });
  progress({ unit: 'steps', done: 2, total: 3, message: `${picks.length} picks` });
  const out: RecommendedTrack[] = picks.map((p, n) => {
    const t = tracks.get(p.item);
    const source = p.source === 'federation' ? 'federation' : 'personal';
    const reason = source === 'federation' ? federatedReason(fed!, p.item, t?.artist_name ?? null) : p.reason;
    return { position: n, track_id: p.item, title: t?.title ?? p.item, artist: t?.artist_name ?? null, spotify_uri: t?.spotify_uri ?? null, arm: p.arm, reason, score: Math.round(p.score * 1e4) / 1e4, source };
  });
  const playlist = o.playlist ?? { id: RECOMMENDATION_PLAYLIST, name: seeded ? `Mixtape radio: ${seeded.label}` : `Mixtape picks ${new Date().toISOString().slice(0, 10)}`, description: 'Recommended on this device by Mixtape' };
  await saveRecommendations(store, m.modelId, out, playlist);
  progress({ unit: 'steps', done: 3, total: 3 });
  const result: RecommendResult = { playlistId: playlist.id, modelId: m.modelId, seed: seeded?.label ?? null, tracks: out, federation: fed?.blend ?? null };
  if (side && 'skipped' in side) result.federationSkipped = side.skipped;
  return result;
}

interface TrackInfo {
  track_id: string;
  title: string;
  artist_name: string | null;
  spotify_uri: string | null;
  /** The track's and its artist's strongest tags, strongest first. */
  tags: string[] | null;
}

async function describeTracks(store: Store, ids: readonly string[]): Promise<TrackInfo[]> {
  await store.run('CREATE OR REPLACE TEMP TABLE _rec_ids AS SELECT unnest($1::VARCHAR[]) AS track_id', [JSON.stringify(ids)]);
  return store.all<TrackInfo>(`
SELECT t.track_id, t.title, t.artist_name, t.spotify_uri,
  (SELECT list(tag ORDER BY weight DESC NULLS LAST, tag)[1:5]
   FROM (SELECT tag, weight FROM track_tags WHERE track_id = t.track_id UNION ALL SELECT tag, weight FROM artist_tags WHERE artist_id = t.artist_id)) AS tags
FROM tracks t SEMI JOIN _rec_ids USING (track_id)`);
}

/** Tracks played within `ms` of the newest play (or of now). */
async function recentTracks(store: Store, ms: number, fromNow: boolean): Promise<Set<string>> {
  const rows = await store.all<{ track_id: string }>(
    `SELECT DISTINCT track_id FROM plays
     WHERE played_at >= (CASE WHEN $2::BOOLEAN THEN current_timestamp::TIMESTAMP ELSE (SELECT max(played_at) FROM plays) END) - to_milliseconds($1::BIGINT)`,
    [ms, fromNow],
  );
  return new Set(rows.map((r) => r.track_id));
}

/** The listener's favourites: liked, or in the library (saved on Spotify, loved on Last.fm, starred on their server). */
async function favouriteTracks(store: Store): Promise<Set<string>> {
  const rows = await store.all<{ track_id: string }>(`SELECT track_id FROM feedback WHERE kind = 'like' UNION SELECT item_id FROM library WHERE kind = 'track'`);
  return new Set(rows.map((r) => r.track_id));
}

async function banned(store: Store): Promise<string[]> {
  return (await store.all<{ track_id: string }>("SELECT DISTINCT track_id FROM feedback WHERE kind = 'ban'")).map((r) => r.track_id);
}

/**
 * Rescores every candidate as the blend of its personal and federated z-scores, and says which
 * side pushed it up more: the federation's picks are the ones the listener's own model ranked lower.
 */
function blendFederated(candidates: Candidate[], fed: FederatedSide, scores: Float32Array, m: LoadedModel): void {
  const w = fed.blend.weight;
  const scale = zScale(scores);
  for (const c of candidates) {
    const i = m.recommender.item(c.item);
    const zp = i === undefined ? 0 : (scores[i]! - scale.mean) / scale.std;
    const zf = fed.tracks.get(c.item)?.z ?? 0;
    c.score = blend(zp, zf, w);
    if (w * zf > 0 && w * zf > (1 - w) * zp) c.source = 'federation';
  }
}

function label(t: { title: string; artist_name: string | null }): string {
  return t.artist_name ? `${t.title} by ${t.artist_name}` : t.title;
}

/** Wins and losses of each arm, from feedback on recommended tracks. */
async function armStats(store: Store): Promise<ArmStats> {
  const rows = await store.all<{ arm: string; wins: number; losses: number }>(
    `SELECT arm, count(*) FILTER (kind IN ('like', 'played')) AS wins, count(*) FILTER (kind IN ('skip', 'ban')) AS losses FROM feedback WHERE arm IS NOT NULL GROUP BY arm`,
  );
  const get = (a: string) => rows.find((r) => r.arm === a) ?? { wins: 0, losses: 0 };
  return { favourite: { wins: get('favourite').wins, losses: get('favourite').losses }, new: { wins: get('new').wins, losses: get('new').losses } };
}

async function saveRecommendations(store: Store, modelId: string, tracks: RecommendedTrack[], playlist: { id: string; name: string; description: string }): Promise<void> {
  const id = playlist.id;
  await store.transaction(async () => {
    await store.run('DELETE FROM recommendations WHERE playlist_id = $1', [id]);
    await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [id]);
    await store.run('DELETE FROM playlists WHERE playlist_id = $1', [id]);
    await store.run(
      `INSERT INTO playlists (playlist_id, source, name, owner, description, snapshot, modified_at, followers, item_count, items_status)
       VALUES ($1, 'mixtape', $2, 'me', $3, $4, current_timestamp, 0, $5, 'complete')`,
      [id, playlist.name, playlist.description, modelId, tracks.length],
    );
    const rows = JSON.stringify(tracks.map((t) => ({ p: t.position, id: t.track_id, s: t.score, a: t.arm, r: t.reason })));
    await store.run(
      `INSERT INTO recommendations SELECT $1, r.p, r.id, r.s, r.a, r.r, $2, current_timestamp
       FROM (SELECT unnest(from_json($3::JSON, '[{"p":"INTEGER","id":"VARCHAR","s":"DOUBLE","a":"VARCHAR","r":"VARCHAR"}]'), recursive := true)) r`,
      [id, modelId, rows],
    );
    await store.run(
      `INSERT INTO playlist_items (playlist_id, position, track_id, kind, added_at, added_by, is_local)
       SELECT playlist_id, position, track_id, 'track', created_at, 'mixtape', false FROM recommendations WHERE playlist_id = $1`,
      [id],
    );
  });
}
