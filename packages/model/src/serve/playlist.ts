import { topK } from '../metrics/top-k.js';
import { becauseOf, explore, type ArmStats, type Candidate, type Pick } from './explore.js';
import type { Listener, Recommender } from './recommender.js';

/** What the caller knows about items (from the store): names, artists and tags for reasons and diversity. */
export interface ItemInfo {
  name?: (item: string) => string | undefined;
  artist?: (item: string) => string | undefined;
  /** The item's tags, strongest first. */
  tags?: (item: string) => readonly string[] | undefined;
}

/** Options for `buildPlaylist`. */
export interface PlaylistOptions {
  count: number;
  /** Share of new music, 0..1 (default 0.2). */
  explore?: number;
  /** At most this many picks by one artist (default 2). */
  maxPerArtist?: number;
  /** Items never to pick, e.g. played very recently. */
  skip?: Iterable<string>;
  /** Only these items may be picked (e.g. what the target server has); the pool is drawn from them. */
  allow?: ReadonlySet<string>;
  /** Never relax the artist cap (see `explore`). */
  strictArtistCap?: boolean;
  /** At most `max` picks among `items` (see `explore`). */
  limited?: { items: ReadonlySet<string>; max: number };
  stats?: ArmStats;
  seed?: number;
  /** Candidates the model ranks before re-ranking (default 5 per pick). */
  pool?: number;
  /**
   * Whose plays make a pick known and explain it (default: the listener scored). A radio scores a
   * listener made of its seed but explains its picks by the real listener's plays.
   */
  history?: Listener;
  /** Items the listener knows beyond `history`: liked since training, or played but outside the model. */
  heard?: ReadonlySet<string>;
  /** More candidates beside the model's pool, given that pool; items outside the model score 0. */
  extra?: (pool: readonly string[]) => readonly string[] | Promise<readonly string[]>;
  /** Names, artists and tags of the items asked about: the candidates and the played items that explain them. */
  describe?: (items: readonly string[]) => ItemInfo | Promise<ItemInfo>;
  /** Changes candidate scores (and may set their `source`) before re-ranking, given the model's score of every item. */
  rescore?: (candidates: Candidate[], scores: Float32Array) => void;
}

/**
 * A playlist for a listener, the one builder every recommendation goes through: the model's top
 * candidates (favourites and new items alike; excluded items stay out) and any extra ones, each
 * with the played item it most resembles and a tag they share, re-ranked by `explore` into a
 * bandit-chosen mix of favourites and new music with varied artists and a short reason per pick.
 */
export async function buildPlaylist(rec: Recommender, listener: Listener, options: PlaylistOptions): Promise<Pick[]> {
  const scores = await rec.scores(listener);
  const ids = rec.model.itemIds;
  const size = Math.min(scores.length, Math.max(options.count, options.pool ?? options.count * 5));
  const excluded = new Set(listener.exclude);
  const allow = options.allow;
  // Outside `allow` counts as excluded, so the pool is full of items that may be picked.
  if (allow) ids.forEach((id, i) => (allow.has(id) ? undefined : excluded.add(i)));
  const pool = Array.from(topK(scores, size, Int32Array.from(excluded).sort()), (i) => ids[i]!);
  const items = [...pool];
  const seen = new Set(pool);
  for (const id of options.extra ? await options.extra(pool) : []) {
    const i = rec.item(id);
    if (seen.has(id) || (i !== undefined && excluded.has(i)) || (allow && !allow.has(id))) continue;
    seen.add(id);
    items.push(id);
  }
  const history = options.history ?? listener;
  const positives = new Set(history.positives);
  const near = new Map<string, string>();
  for (const id of items) {
    const i = rec.item(id);
    const b = i === undefined ? undefined : becauseOf(i, history.positives, rec.itemTable, rec.model.k);
    if (b !== undefined) near.set(id, ids[b]!);
  }
  const info = options.describe ? await options.describe([...new Set([...items, ...near.values()])]) : {};
  const candidates: Candidate[] = items.map((id) => {
    const i = rec.item(id);
    const nearId = near.get(id);
    const because: Candidate['because'] = {};
    if (nearId !== undefined) because.item = info.name?.(nearId) ?? nearId;
    const tag = nearId === undefined ? undefined : sharedTag(info.tags?.(id), info.tags?.(nearId));
    if (tag !== undefined) because.tag = tag;
    const artist = info.artist?.(id);
    const known = (i !== undefined && positives.has(i)) || (options.heard?.has(id) ?? false);
    return { item: id, score: i === undefined ? 0 : scores[i]!, known, ...(artist !== undefined ? { artist } : {}), because };
  });
  options.rescore?.(candidates, scores);
  return explore(candidates, {
    count: options.count,
    ...(options.explore !== undefined ? { explore: options.explore } : {}),
    ...(options.maxPerArtist !== undefined ? { maxPerArtist: options.maxPerArtist } : {}),
    ...(options.skip ? { skip: new Set(options.skip) } : {}),
    ...(options.stats ? { stats: options.stats } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.strictArtistCap ? { strictArtistCap: true } : {}),
    ...(options.limited ? { limited: options.limited } : {}),
  });
}

/** The first of the candidate's tags (strongest first) that the played item shares. */
function sharedTag(a: readonly string[] | undefined, b: readonly string[] | undefined): string | undefined {
  if (!a || !b) return undefined;
  const other = new Set(b);
  return a.find((t) => other.has(t));
}
