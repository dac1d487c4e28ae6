import { becauseOf, explore, type ArmStats, type Candidate, type Pick } from './explore.js';
import type { Listener, Recommender } from './recommender.js';

/** What the caller knows about items (from the store): names, artists and tags for reasons and diversity. */
export interface ItemInfo {
  name?: (item: string) => string | undefined;
  artist?: (item: string) => string | undefined;
  tags?: (item: string) => readonly string[] | undefined;
}

/** Options for `buildPlaylist`. */
export interface PlaylistOptions extends ItemInfo {
  count: number;
  /** Share of new music, 0..1 (default 0.2). */
  explore?: number;
  maxPerArtist?: number;
  /** Items never to pick, e.g. played very recently. */
  skip?: Iterable<string>;
  stats?: ArmStats;
  seed?: number;
  /** Candidates ranked per pick before re-ranking (default 5). */
  poolFactor?: number;
}

/**
 * A playlist for a listener: the model's top candidates (favourites and new items alike; bans stay
 * out), each with the played item it most resembles and a shared tag, re-ranked by `explore` into
 * a bandit-chosen mix of favourites and new music with varied artists and a short reason per pick.
 */
export async function buildPlaylist(rec: Recommender, listener: Listener, options: PlaylistOptions): Promise<Pick[]> {
  const pool = Math.max(options.count, Math.ceil(options.count * (options.poolFactor ?? 5)));
  const ranked = await rec.recommend(listener, pool);
  const known = new Set(listener.positives);
  const k = rec.model.k;
  const candidates: Candidate[] = ranked.map((r) => {
    const i = rec.item(r.item)!;
    const near = becauseOf(i, listener.positives, rec.model.itemFactors, k);
    const nearId = near === undefined ? undefined : rec.model.itemIds[near]!;
    const tag = nearId === undefined ? undefined : sharedTag(options.tags?.(r.item), options.tags?.(nearId));
    const because: Candidate['because'] = {};
    const nearName = nearId === undefined ? undefined : options.name?.(nearId) ?? nearId;
    if (nearName !== undefined) because.item = nearName;
    if (tag !== undefined) because.tag = tag;
    const artist = options.artist?.(r.item);
    return { item: r.item, score: r.score, known: known.has(i), ...(artist !== undefined ? { artist } : {}), because };
  });
  return explore(candidates, {
    count: options.count,
    ...(options.explore !== undefined ? { explore: options.explore } : {}),
    ...(options.maxPerArtist !== undefined ? { maxPerArtist: options.maxPerArtist } : {}),
    ...(options.skip ? { skip: new Set(options.skip) } : {}),
    ...(options.stats ? { stats: options.stats } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

function sharedTag(a: readonly string[] | undefined, b: readonly string[] | undefined): string | undefined {
  if (!a || !b) return undefined;
  const other = new Set(b);
  return a.find((t) => other.has(t));
}
