import { normalizeArtist, normalizeTitle } from '@mixtape/core';

/** Titles and artists are reduced by the project's one normalizer (@mixtape/core). */
export { normalizeArtist, normalizeTitle };

/** Similarity of two normalized strings in [0, 1] (Dice coefficient over character bigrams). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let hits = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      hits++;
      grams.set(g, n - 1);
    }
  }
  return (2 * hits) / (a.length + b.length - 2);
}

export interface Candidate {
  title?: string | undefined;
  artist?: string | undefined;
  durationMs?: number | undefined;
}

/**
 * How well a candidate matches a wanted track, in [0, 1]: title and artist similarity, lowered
 * when both durations are known and differ by more than a few seconds.
 */
export function matchScore(want: Candidate, got: Candidate): number {
  const t = similarity(normalizeTitle(want.title), normalizeTitle(got.title));
  const a = similarity(normalizeArtist(want.artist), normalizeArtist(got.artist));
  let score = 0.6 * t + 0.4 * a;
  if (want.durationMs && got.durationMs) {
    const off = Math.abs(want.durationMs - got.durationMs) / 1000;
    if (off > 30) score *= 0.5;
    else if (off > 7) score *= 0.85;
  }
  return score;
}

/** The score a candidate needs to count as the same recording. */
export const MATCH_THRESHOLD = 0.85;

/** The key for exact lookups: normalized artist and title. */
export function nameKey(artist: string | undefined, title: string | undefined): string {
  return `${normalizeArtist(artist)}\u0001${normalizeTitle(title)}`;
}
