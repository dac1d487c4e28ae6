/**
 * Names reduced to what identifies a recording across catalogues: case, accents, punctuation,
 * "feat." credits, bracketed and dash-suffixed version notes ("Remastered 2011") removed.
 */
export function normalizeTitle(s: string | undefined): string {
  if (!s) return '';
  let t = fold(s);
  t = t.replace(/\s*[([][^)\]]*(feat|ft\.|with|remaster|live|version|edit|mix|mono|stereo|deluxe|bonus)[^)\]]*[)\]]/g, ' ');
  t = t.replace(/\s+-\s+.*(remaster|live|version|edit|mix|mono|stereo).*$/g, ' ');
  t = t.replace(/\s(feat\.?|ft\.?)\s.*$/g, ' ');
  return squash(t);
}

/** Artist names: the first credited artist, folded; "The" dropped, "&" read as "and". */
export function normalizeArtist(s: string | undefined): string {
  if (!s) return '';
  let t = fold(s).split(/\s*(?:;|,|\/|\sfeat\.?\s|\sft\.?\s|\sx\s)\s*/)[0] ?? '';
  t = t.replace(/^the\s+/, '');
  return squash(t);
}

function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/&/g, ' and ').replace(/[’'`]/g, '');
}

function squash(t: string): string {
  return t.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().replace(/\s+/g, ' ');
}

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
