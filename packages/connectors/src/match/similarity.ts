import { distance } from 'fastest-levenshtein';

const digits = (s: string) => s.replace(/\D+/g, ' ').trim();

/**
 * Edit similarity of two normalized names in [0, 1]. Names of 3 characters or fewer must be
 * equal, and so must their numbers: "Song 2" and "Song 3", "Blink-182" and "Blink-183" are
 * other names, not typos.
 */
export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (Math.min(a.length, b.length) <= 3 || digits(a) !== digits(b)) return 0;
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

/** Distinct names bucketed by length, so a fuzzy lookup reads only names of a near length. */
export class NameBuckets {
  private byLength = new Map<number, Set<string>>();

  add(name: string): void {
    const l = this.byLength.get(name.length);
    if (l) l.add(name);
    else this.byLength.set(name.length, new Set([name]));
  }

  /** Names at or above `min` similarity to `q`, best first. */
  near(q: string, min: number): { name: string; sim: number }[] {
    // sim >= min needs |len(a) - len(b)| <= (1 - min) * max length.
    const slack = Math.floor(((1 - min) * q.length) / min);
    const out: { name: string; sim: number }[] = [];
    for (let len = Math.max(1, q.length - slack); len <= q.length + slack; len++) {
      for (const name of this.byLength.get(len) ?? []) {
        const sim = editSimilarity(q, name);
        if (sim >= min) out.push({ name, sim });
      }
    }
    return out.sort((a, b) => b.sim - a.sim || a.name.localeCompare(b.name));
  }
}
