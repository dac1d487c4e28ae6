import { normalizeArtist, normalizeTitle } from '@mixtape/core';

/** What we know of a track we are looking for. */
export interface MatchQuery {
  artist: string;
  title: string;
  durationMs?: number | null;
}

/** A search hit as Deezer returns it. */
export interface Candidate {
  id: number;
  title: string;
  duration: number;
  artist: { id: number; name: string };
  album?: { id: number; title: string };
}

/**
 * Similarity of two names in [0, 1], after reducing both with `normalize` (titles by default):
 * 1 when equal, else token overlap (Dice).
 */
export function nameSimilarity(a: string, b: string, normalize: (s: string) => string = normalizeTitle): number {
  const x = normalize(a);
  const y = normalize(b);
  if (x === y) return 1;
  const tx = x.split(' ').filter(Boolean);
  const ty = new Set(y.split(' ').filter(Boolean));
  if (tx.length === 0 || ty.size === 0) return 0;
  const common = tx.filter((t) => ty.has(t)).length;
  return (2 * common) / (tx.length + ty.size);
}

/** Score of a candidate: title 0.5, artist 0.35, duration 0.15 (full within 3 s, none past 30 s). */
export function matchScore(q: MatchQuery, c: Candidate): number {
  const title = nameSimilarity(q.title, c.title);
  const artist = nameSimilarity(q.artist, c.artist.name, normalizeArtist);
  let duration = 0.5;
  if (q.durationMs) {
    const diff = Math.abs(q.durationMs / 1000 - c.duration);
    duration = diff <= 3 ? 1 : diff >= 30 ? 0 : 1 - (diff - 3) / 27;
  }
  return 0.5 * title + 0.35 * artist + 0.15 * duration;
}

/** The best-scoring candidate at or over the threshold. */
export function bestMatch(q: MatchQuery, candidates: Candidate[], threshold: number): { track: Candidate; score: number } | undefined {
  let best: { track: Candidate; score: number } | undefined;
  for (const c of candidates) {
    const score = matchScore(q, c);
    if (score >= threshold && (!best || score > best.score)) best = { track: c, score };
  }
  return best;
}
