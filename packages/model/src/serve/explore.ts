import { Rng } from '@mixtape/core';

/** A scored candidate for a playlist; `known` when the listener has played it before. */
export interface Candidate {
  item: string;
  score: number;
  known: boolean;
  artist?: string;
  /** Why the model likes it, filled by the caller (see `becauseOf`): a played item and a shared tag. */
  because?: { item?: string; tag?: string };
  /** Which model ranked it higher, when the caller blended several (see `buildPlaylist`'s `rescore`). */
  source?: string;
}

/** A chosen item, which arm it came from, and a short reason in the listener's words. */
export interface Pick extends Candidate {
  arm: 'favourite' | 'new';
  reason: string;
}

/** Past outcomes of each arm (likes and full plays are wins, skips and bans losses). */
export interface ArmStats {
  favourite: { wins: number; losses: number };
  new: { wins: number; losses: number };
}

/** Options for the exploration re-ranker. */
export interface ExploreOptions {
  count: number;
  /** Prior share of new music, 0..1 (default 0.2). Feedback in `stats` moves the share from there. */
  explore?: number;
  /** At most this many picks by one artist (default 2). */
  maxPerArtist?: number;
  /** Items never to pick (e.g. played very recently). */
  skip?: ReadonlySet<string>;
  stats?: ArmStats;
  seed?: number;
  /** Never relax the artist cap: a shorter playlist rather than a third track by one artist. */
  strictArtistCap?: boolean;
  /** At most `max` picks among `items` (e.g. favourites heard recently that may still come back). */
  limited?: { items: ReadonlySet<string>; max: number };
}

/**
 * Builds a playlist from ranked candidates: each slot is a two-armed bandit between known
 * favourites and new music (share `explore`, re-weighted by Thompson samples of each arm's success
 * rate from `stats`), then the best remaining candidate of that arm that keeps the artist mix
 * varied (a cap per artist, never the same artist twice in a row; relaxed only when nothing else is left,
 * never with `strictArtistCap`).
 */
export function explore(candidates: readonly Candidate[], options: ExploreOptions): Pick[] {
  const rng = new Rng(options.seed ?? 1);
  const e = Math.min(1, Math.max(0, options.explore ?? 0.2));
  const cap = options.maxPerArtist ?? 2;
  const stats = options.stats ?? { favourite: { wins: 0, losses: 0 }, new: { wins: 0, losses: 0 } };
  const pools = {
    favourite: candidates.filter((c) => c.known && !options.skip?.has(c.item)).sort(byScore),
    new: candidates.filter((c) => !c.known && !options.skip?.has(c.item)).sort(byScore),
  };
  const limited = options.limited;
  let limitedLeft = limited?.max ?? 0;
  if (limited && limitedLeft <= 0) for (const a of ['favourite', 'new'] as const) pools[a] = pools[a].filter((x) => !limited.items.has(x.item));
  const perArtist = new Map<string, number>();
  const picks: Pick[] = [];
  let lastArtist: string | undefined;
  while (picks.length < options.count && (pools.favourite.length > 0 || pools.new.length > 0)) {
    // Thompson sampling: each arm's success rate is drawn from its Beta posterior, and the explore
    // share is re-weighted by them, so arms that earn likes get more slots as feedback arrives.
    const tNew = betaSample(rng, 1 + stats.new.wins, 1 + stats.new.losses);
    const tFav = betaSample(rng, 1 + stats.favourite.wins, 1 + stats.favourite.losses);
    const pNew = (e * tNew) / (e * tNew + (1 - e) * tFav || 1);
    const first: 'favourite' | 'new' = rng.next() < pNew ? 'new' : 'favourite';
    const second = first === 'new' ? 'favourite' : 'new';
    const ok = (c: Candidate, strict: boolean) =>
      c.artist === undefined || ((perArtist.get(c.artist) ?? 0) < cap && (!strict || c.artist !== lastArtist));

    // Prefer the drawn arm; fall back to the other arm before breaking the artist rules.
    let arm: 'favourite' | 'new' = first;
    let at = -1;
    for (const [a, strict] of [[first, true], [first, false], [second, true], [second, false]] as const) {
      at = pools[a].findIndex((c) => ok(c, strict));
      if (at >= 0) {
        arm = a;
        break;
      }
    }
    if (at < 0) {
      // Only artists at their cap are left: with a strict cap the playlist ends here.
      if (options.strictArtistCap) break;
      arm = pools[first].length > 0 ? first : second;
      at = 0;
    }
    const c = pools[arm].splice(at, 1)[0]!;
    if (limited?.items.has(c.item) && --limitedLeft <= 0) {
      for (const a of ['favourite', 'new'] as const) pools[a] = pools[a].filter((x) => !limited.items.has(x.item));
    }
    if (c.artist !== undefined) perArtist.set(c.artist, (perArtist.get(c.artist) ?? 0) + 1);
    lastArtist = c.artist;
    picks.push({ ...c, arm, reason: reasonFor(c) });
  }
  return picks;
}

/** A short reason for a pick: "one of your favourites", "because you played X", "new to you: tagged T like X". */
export function reasonFor(c: Candidate): string {
  if (c.known) return c.because?.item && c.because.item !== c.item ? `one of your favourites, like ${c.because.item}` : 'one of your favourites';
  if (c.because?.tag && c.because.item) return `new to you: tagged ${c.because.tag} like ${c.because.item}`;
  if (c.because?.item) return `because you played ${c.because.item}`;
  if (c.because?.tag) return `new to you: tagged ${c.because.tag}`;
  return 'new to you';
}

/**
 * The listener's item most like a candidate by cosine of item vectors: the "because you played X".
 * `history` are item indices into the row-major `table` (k columns), float32 or int8 (the row
 * scales cancel in a cosine, so int8 codes are compared as they are).
 */
export function becauseOf(item: number, history: ArrayLike<number>, table: Float32Array | { codes: Int8Array }, k: number): number | undefined {
  const t = table instanceof Float32Array ? table : table.codes;
  let best: number | undefined;
  let bestSim = -Infinity;
  const o = item * k;
  let nq = 0;
  for (let a = 0; a < k; a++) nq += t[o + a]! ** 2;
  for (let j = 0; j < history.length; j++) {
    const h = history[j]!;
    if (h === item) continue;
    let dot = 0;
    let nh = 0;
    for (let a = 0; a < k; a++) {
      dot += t[o + a]! * t[h * k + a]!;
      nh += t[h * k + a]! ** 2;
    }
    const sim = dot / Math.sqrt(nq * nh || 1);
    if (sim > bestSim) {
      bestSim = sim;
      best = h;
    }
  }
  return best;
}

function byScore(a: Candidate, b: Candidate): number {
  return b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);
}

/** A Beta(a, b) sample from two Gamma samples (Marsaglia–Tsang), seeded. */
function betaSample(rng: Rng, a: number, b: number): number {
  const x = gammaSample(rng, a);
  const y = gammaSample(rng, b);
  return x / (x + y);
}

function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1) * Math.pow(rng.next() || 1e-12, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(u || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
