import { artistStrength, durationOff, label, prepare, songKey, type Prepared } from './prepared.js';
import { MatchOverrides } from './overrides.js';
import { editSimilarity, NameIndex } from './similarity.js';
import type { LibraryCandidate, MatchOutcome, MatchTier, TrackQuery, Unmatched } from './types.js';
import { explainMiss } from './explain.js';

/** Durations further apart than this are other recordings (or other edits) of a song. */
export const DURATION_TOLERANCE_S = 10;

/**
 * Fuzzy thresholds, set on bench/match.ts so that precision stays at or above 0.99: a title (under
 * the same artist) or an artist (with the same title) must be this similar, by edit similarity of
 * the normalized names.
 */
export const FUZZY = { title: 0.8, artist: 0.8, titleWithoutDuration: 0.9 } as const;

export interface MatcherOptions {
  overrides?: MatchOverrides | undefined;
  /** The target the library belongs to, for overrides scoped to one target. */
  target?: string | undefined;
  /** Turns an override's "to" into a candidate id (a music folder resolves relative paths). */
  overrideId?: ((to: string) => string) | undefined;
}

export interface Item<C> {
  c: C;
  p: Prepared;
}

/**
 * The one library matcher, for every target that holds songs (a music folder, Subsonic, Jellyfin).
 * Tiers, strongest first: a per-listener override, recording MBID, ISRC, the same normalized artist
 * and title with durations within ±10 s, then a fuzzy match of both names. Between equally good
 * candidates the closer duration wins; a tie that is left is refused, not guessed.
 */
export class LibraryMatcher<C extends LibraryCandidate = LibraryCandidate> {
  private readonly byId = new Map<string, C>();
  private readonly byMbid = new Map<string, Item<C>[]>();
  private readonly byIsrc = new Map<string, Item<C>[]>();
  private readonly byArtist = new Map<string, Item<C>[]>();
  private readonly artists = new NameIndex();
  private readonly overrides: MatchOverrides;

  constructor(candidates: Iterable<C>, private readonly options: MatcherOptions = {}) {
    this.overrides = options.overrides ?? new MatchOverrides();
    for (const c of candidates) {
      const item = { c, p: prepare(c) };
      if (!this.byId.has(c.id)) this.byId.set(c.id, c);
      if (c.mbid) add(this.byMbid, c.mbid.toLowerCase(), item);
      for (const isrc of typeof c.isrc === 'string' ? [c.isrc] : c.isrc ?? []) add(this.byIsrc, isrc.toUpperCase(), item);
      for (const k of item.p.artistKeys) {
        add(this.byArtist, k, item);
        this.artists.add(k);
      }
    }
  }

  /** Songs in the library. */
  get size(): number {
    return this.byId.size;
  }

  /** The library's song for a track, with the tier that found it, or why there is none. */
  match(q: TrackQuery): MatchOutcome<C> {
    const qp = prepare(q);
    const o = this.overrides.find(q, this.options.target);
    if (o) {
      if (o.to.toLowerCase() === 'none') return { matched: false, reason: 'override_none', detail: 'the overrides file says this track is never matched' };
      const id = this.options.overrideId ? this.options.overrideId(o.to) : o.to;
      const c = this.byId.get(id);
      if (c) return withOff({ matched: true, candidate: c, tier: 'override', score: 1 }, qp, c);
      return { matched: false, reason: 'override_missing', detail: `the overrides file points at "${o.to}", which the library does not have` };
    }
    for (const [tier, items] of [['mbid', q.mbid ? this.byMbid.get(q.mbid.toLowerCase()) : undefined], ['isrc', q.isrc ? this.byIsrc.get(q.isrc.toUpperCase()) : undefined]] as const) {
      // One id is one recording: copies differ only in where they sit, so the closest duration wins.
      if (items && items.length > 0) return withOff({ matched: true, candidate: closest(items, qp).c, tier, score: 1 }, qp, closest(items, qp).c);
    }
    if (qp.titleBase === '' || qp.artistWhole === '') {
      return { matched: false, reason: 'no_names', detail: 'the track has no artist or title, and no MBID or ISRC the library knows' };
    }
    // A song tagged with another recording's MBID is another recording, whatever its names.
    const qMbid = q.mbid?.toLowerCase();
    const notOtherRecording = (i: Item<C>) => !qMbid || !i.c.mbid || i.c.mbid.toLowerCase() === qMbid;
    const pool = this.byArtistKeys(qp.artistKeys).filter(notOtherRecording);
    const exact = pool.filter((i) => i.p.titleBase === qp.titleBase && i.p.version === qp.version && within(qp, i.p));
    if (exact.length > 0) return choose(exact, qp, 'exact', () => 1);
    // A misspelt title under the right artist, or the right title under a misspelt artist: never both.
    const fuzzyPool = pool.length > 0 ? pool : this.fuzzyArtists(qp).filter(notOtherRecording);
    const minTitle = (i: Item<C>) => (pool.length === 0 ? 1 : durationOff(qp, i.p) === undefined ? FUZZY.titleWithoutDuration : FUZZY.title);
    const fuzzy = fuzzyPool.filter((i) => i.p.version === qp.version && within(qp, i.p) && titleSim(qp, i.p) >= minTitle(i));
    if (fuzzy.length > 0) return choose(fuzzy, qp, 'fuzzy', (i) => 0.6 * titleSim(qp, i.p) + 0.4 * artistSim(qp, i.p));
    return explainMiss(qp, pool, fuzzyPool, () => this.nearestArtist(qp));
  }

  private byArtistKeys(keys: string[]): Item<C>[] {
    const seen = new Set<Item<C>>();
    for (const k of keys) for (const i of this.byArtist.get(k) ?? []) seen.add(i);
    return [...seen];
  }

  private fuzzyArtists(qp: Prepared): Item<C>[] {
    const names = qp.artistKeys.flatMap((k) => this.artists.near(k, FUZZY.artist).map((n) => n.name));
    return this.byArtistKeys(names);
  }

  private nearestArtist(qp: Prepared): string | undefined {
    return this.artists.near(qp.artistWhole, 0.7)[0]?.name;
  }
}

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const within = (q: Prepared, c: Prepared) => (durationOff(q, c) ?? 0) <= DURATION_TOLERANCE_S;
const titleSim = (q: Prepared, c: Prepared) => editSimilarity(q.titleBase, c.titleBase);
const artistSim = (q: Prepared, c: Prepared) => (artistStrength(q, c) > 0 ? 1 : Math.max(...q.artistKeys.flatMap((a) => c.artistKeys.map((b) => editSimilarity(a, b)))));

function closest<C>(items: Item<C>[], qp: Prepared): Item<C> {
  return [...items].sort((a, b) => (durationOff(qp, a.p) ?? Infinity) - (durationOff(qp, b.p) ?? Infinity))[0]!;
}

function withOff<C extends LibraryCandidate>(m: MatchOutcome<C> & { matched: true }, qp: Prepared, c: C): MatchOutcome<C> {
  const off = durationOff(qp, prepare(c));
  if (off !== undefined) m.durationOffS = Math.round(off);
  return m;
}

/** Scores count as equal within this margin; durations within this many seconds are equally close. */
const SCORE_TIE = 0.02;
const DURATION_TIE_S = 1;

/**
 * The best of several candidates: higher score, then the stronger artist credit, then the closer
 * duration, then the same album. Copies of one recording (same names and version, durations
 * within a second) are not a tie; anything else left tied is refused.
 */
function choose<C extends LibraryCandidate>(items: Item<C>[], qp: Prepared, tier: MatchTier, score: (i: Item<C>) => number): MatchOutcome<C> {
  const ranked = items.map((i) => ({ i, s: score(i), a: artistStrength(qp, i.p), d: durationOff(qp, i.p), al: qp.album !== '' && qp.album === i.p.album ? 1 : 0 }));
  type R = (typeof ranked)[number];
  const cmp = (x: R, y: R) => {
    if (Math.abs(x.s - y.s) > SCORE_TIE) return y.s - x.s;
    if (x.a !== y.a) return y.a - x.a;
    if (x.d !== undefined && y.d !== undefined && Math.abs(x.d - y.d) > DURATION_TIE_S) return x.d - y.d;
    if (x.al !== y.al) return y.al - x.al;
    return 0;
  };
  // Among ties (copies of one recording), the closest duration still goes first, then the id.
  ranked.sort((x, y) => cmp(x, y) || (x.d ?? Infinity) - (y.d ?? Infinity) || x.i.c.id.localeCompare(y.i.c.id));
  const top = ranked[0]!;
  const tied = ranked.filter((r) => r !== top && cmp(top, r) === 0 && !sameRecording(top.i, r.i));
  if (tied.length > 0) {
    const all = [top, ...tied].map((r) => r.i.c);
    const m: Unmatched<C> = { matched: false, reason: 'ambiguous', detail: `ambiguous between ${all.slice(0, 4).map((c) => `"${label(c)}"`).join(' and ')}`, candidates: all };
    return m;
  }
  const out: MatchOutcome<C> = { matched: true, candidate: top.i.c, tier, score: Math.round(top.s * 1000) / 1000 };
  if (top.d !== undefined) out.durationOffS = Math.round(top.d);
  return out;
}

function sameRecording<C extends LibraryCandidate>(a: Item<C>, b: Item<C>): boolean {
  if (a.c.mbid && b.c.mbid) return a.c.mbid.toLowerCase() === b.c.mbid.toLowerCase();
  if (songKey(a.p) !== songKey(b.p) || a.p.artistWhole !== b.p.artistWhole) return false;
  const off = durationOff(a.p, b.p);
  return off === undefined || off <= DURATION_TIE_S;
}
