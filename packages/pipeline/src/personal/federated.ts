import { listenerScores, listensFromPlays, loadInstalledModel, trackKeys, type GlobalModel, type Listens } from '@mixtape/federation/listener';
import { LISTENER_ID } from '../recommend/listener-id.js';
import { playedTracks, type StoreTrack } from '../recommend/played-tracks.js';
import type { Store } from '../store/store.js';
import { HELD_OUT_MARGIN } from '@mixtape/model';
import { defaultBlendFor, holdOut, MIN_TUNING_ITEMS, tuneWeight, zScale, zScores } from './blend-weight.js';
import type { LoadedModel } from './model-state.js';

/** How the federated model was blended in, as `recommend --json` reports it. */
export interface FederationBlend {
  /** Version of the installed global model. */
  version: number;
  /** Share of the federated side in the blend (0: personal only, 1: federated only). */
  weight: number;
  /** 'held-out' when tuned on the listener's own held-out plays, 'default' when they had too few. */
  weightFrom: 'held-out' | 'default';
  /** Vocabulary items the listener played, and how many of them the tuning held out. */
  playedItems: number;
  heldOutItems: number;
  /** NDCG@10 of the held-out items per weight tried (empty with the default weight). */
  ndcgAt10: Array<{ weight: number; ndcg: number }>;
}

/** How the blend weight came about, in the listener's words (`recommend` prints it). */
export function blendSummary(b: FederationBlend): string {
  const head = `blended with global model version ${b.version} at weight ${b.weight}`;
  if (b.weightFrom === 'default') return `${head} (default: too few of your plays are in its vocabulary to tune it)`;
  const best = Math.max(...b.ndcgAt10.map((r) => r.ndcg));
  const own = b.ndcgAt10.find((r) => r.weight === b.weight)?.ndcg ?? best;
  // Only the default is kept below the best: another weight must beat it by the margin.
  const kept = own < best ? `; the default, since no other weight ranked them better by ${HELD_OUT_MARGIN} NDCG@10` : '';
  return `${head} (tuned on ${b.heldOutItems} of your played items held out${kept})`;
}

/** The federated side of a recommendation: the blend, and a z-score for every store track the vocabulary matches. */
export interface FederatedSide {
  blend: FederationBlend;
  /** Store track -> its federated z-score and the vocabulary item that gave it (an artist scores all their tracks). */
  tracks: Map<string, { z: number; item: number }>;
  /** Store tracks the listener has heard. */
  played: Set<string>;
  model: GlobalModel;
}

/** Why an installed global model was not used (its absence is not worth a word). */
export interface FederationSkipped {
  skipped: string;
}

type CatalogueTrack = Omit<StoreTrack, 'plays'>;

/**
 * Scores the store against the installed global model: the listener's vector is solved here from
 * their own plays (nothing is sent anywhere), every vocabulary item is scored, and each store
 * track takes the best score of the items it matches (its ISRC, MusicBrainz id, name or artist).
 * The blend weight is tuned on a seeded share of the listener's played items. Undefined when no
 * usable model is installed; a model that fails in any way is reported, never thrown.
 */
export async function federatedSide(store: Store, m: LoadedModel, stateDir: string | undefined): Promise<FederatedSide | FederationSkipped | undefined> {
  let model: GlobalModel | undefined;
  try {
    model = await loadInstalledModel(stateDir ? { dir: stateDir } : {});
  } catch {
    model = undefined;
  }
  if (!model) return undefined;
  try {
    if (model.table.length !== model.keys.length * model.dim) return { skipped: `global model version ${model.version} does not match its vocabulary` };
    const index = new Map(model.keys.map((k, i) => [k, i]));
    const played = await playedTracks(store);
    const listens = listensFromPlays(index, played);
    if (listens.items.length === 0) return { skipped: "none of your plays is in the federation's vocabulary" };
    const fed = zScores(listenerScores(model, listens));
    const catalogue = await store.all<CatalogueTrack>("SELECT track_id, isrc, mbid, artist_name AS artist, title FROM tracks WHERE kind = 'track'");
    const trackItems = new Map<string, number[]>();
    for (const t of catalogue) {
      const items = trackKeys(t).flatMap((k) => (index.has(k) ? [index.get(k)!] : []));
      if (items.length) trackItems.set(t.track_id, items);
    }
    const tracks = new Map<string, { z: number; item: number }>();
    for (const [id, items] of trackItems) {
      const item = items.reduce((a, b) => (fed[b]! > fed[a]! ? b : a));
      if (Number.isFinite(fed[item]!)) tracks.set(id, { z: fed[item]!, item });
    }
    const base = { version: model.version, playedItems: listens.items.length };
    let blend: FederationBlend = { ...base, weight: defaultBlendFor(model.als.contentBeta), weightFrom: 'default', heldOutItems: 0, ndcgAt10: [] };
    if (listens.items.length >= MIN_TUNING_ITEMS) blend = (await tuneOnHeldOut(m, model, index, played, listens, trackItems)) ?? blend;
    return { blend, tracks, played: new Set(played.map((t) => t.track_id)), model };
  } catch (e) {
    return { skipped: `global model version ${model.version} could not be used (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * Holds out a seeded share of the listener's played vocabulary items, solves both sides without
 * them (the federated vector from the other plays; the personal vector folded in without every
 * track those items cover), and picks the weight whose blend ranks the held-out items best.
 * The personal item factors did see the held-out plays in training, which favours the personal
 * side a little: the federation has to earn its share.
 */
async function tuneOnHeldOut(
  m: LoadedModel,
  model: GlobalModel,
  index: Map<string, number>,
  played: StoreTrack[],
  listens: Listens,
  trackItems: Map<string, number[]>,
): Promise<FederationBlend | undefined> {
  // A fixed seed: the same plays give the same weight on every run, whatever the exploration seed.
  const held = holdOut(listens.items, 1);
  const covers = (t: Omit<StoreTrack, 'plays'>) => trackKeys(t).some((k) => held.has(index.get(k) ?? -1));
  const rest = listensFromPlays(index, played.filter((t) => !covers(t)));
  if (rest.items.length === 0) return undefined;
  const fed = zScores(listenerScores(model, rest));
  const omit = new Set<string>();
  for (const [id, items] of trackItems) if (items.some((i) => held.has(i))) omit.add(id);
  const scores = await m.recommender.scores(m.recommender.listenerFromFeedback([], { baseUser: LISTENER_ID, omit }));
  const scale = zScale(scores);
  // A vocabulary item's personal score is that of its best track in the personal model.
  const personal = new Float64Array(model.keys.length).fill(Number.NaN);
  for (const [id, items] of trackItems) {
    const i = m.recommender.item(id);
    if (i === undefined) continue;
    const z = (scores[i]! - scale.mean) / scale.std;
    for (const v of items) if (!(personal[v]! >= z)) personal[v] = z;
  }
  const kept = Array.from(listens.items).filter((i) => !held.has(i));
  const t = tuneWeight(personal, fed, held, kept, 10, HELD_OUT_MARGIN, defaultBlendFor(model.als.contentBeta));
  return { version: model.version, weight: t.weight, weightFrom: 'held-out', playedItems: listens.items.length, heldOutItems: held.size, ndcgAt10: t.ndcgAt10 };
}

/** The store tracks the federation ranks highest, `n` of them, without those in `skip`. */
export function federatedPool(side: FederatedSide, n: number, skip: ReadonlySet<string>): string[] {
  return [...side.tracks]
    .filter(([id]) => !skip.has(id))
    .sort((a, b) => b[1].z - a[1].z || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([id]) => id);
}

/** The reason a federated pick gives: whose listening it comes from, in the listener's words. */
export function federatedReason(side: FederatedSide, trackId: string, artist: string | null): string {
  const item = side.tracks.get(trackId)?.item;
  const name = artist ?? (item === undefined ? undefined : side.model.names[item]);
  return name ? `listeners with your taste play ${name}` : 'listeners with your taste play this';
}
