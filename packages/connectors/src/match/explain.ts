import { durationOff, fmtDuration, label, type Prepared } from './prepared.js';
import { editSimilarity } from './similarity.js';
import type { LibraryCandidate, Unmatched } from './types.js';

interface Item<C> {
  c: C;
  p: Prepared;
}

/**
 * Why no tier matched, in the listener's words: no song by that artist, only another version,
 * the same song at a duration too far off, or no title close enough (naming the nearest).
 */
export function explainMiss<C extends LibraryCandidate>(qp: Prepared, pool: Item<C>[], fuzzyPool: Item<C>[], nearestArtist: () => string | undefined): Unmatched<C> {
  const songs = pool.length > 0 ? pool : fuzzyPool;
  if (songs.length === 0) {
    const near = nearestArtist();
    return { matched: false, reason: 'no_artist', detail: `no song by "${qp.artistWhole}" in the library${near ? ` (nearest artist: "${near}")` : ''}` };
  }
  const sameTitle = songs.filter((i) => i.p.titleBase === qp.titleBase);
  const sameVersion = sameTitle.filter((i) => i.p.version === qp.version);
  if (sameVersion.length > 0) {
    const near = [...sameVersion].sort((a, b) => (durationOff(qp, a.p) ?? 0) - (durationOff(qp, b.p) ?? 0))[0]!;
    const off = Math.round(durationOff(qp, near.p) ?? 0);
    return { matched: false, reason: 'duration_off', detail: `duration off by ${off} s: the library has "${label(near.c)}", the track lasts ${fmtDuration(qp.durationMs ?? 0)}`, candidates: [near.c] };
  }
  if (sameTitle.length > 0) {
    const want = qp.version === '' ? 'the studio version' : `a ${qp.version} version`;
    return { matched: false, reason: 'version_differs', detail: `the library has "${label(sameTitle[0]!.c)}" but not ${want}`, candidates: sameTitle.slice(0, 3).map((i) => i.c) };
  }
  const near = songs.map((i) => ({ i, s: editSimilarity(qp.titleBase, i.p.titleBase) })).sort((a, b) => b.s - a.s)[0]!;
  return {
    matched: false,
    reason: 'title_differs',
    detail: `${songs.length} song${songs.length === 1 ? '' : 's'} by that artist, none titled like "${qp.titleBase}" (nearest: "${label(near.i.c)}")`,
    candidates: [near.i.c],
  };
}
