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

/**
 * Distinct names with an index of their character pairs, so a fuzzy lookup measures only names
 * that could be close enough: two names within k edits share at least len - 1 - 2k pairs.
 */
export class NameIndex {
  private names: string[] = [];
  private nameDigits: string[] = [];
  private ids = new Map<string, number>();
  private byPair = new Map<string, number[]>();

  add(name: string): void {
    if (this.ids.has(name)) return;
    const id = this.names.length;
    this.ids.set(name, id);
    this.names.push(name);
    this.nameDigits.push(digits(name));
    for (const p of new Set(pairs(name))) {
      const l = this.byPair.get(p);
      if (l) l.push(id);
      else this.byPair.set(p, [id]);
    }
  }

  /** Names at or above `min` similarity to `q`, best first (the rules of `editSimilarity`). */
  near(q: string, min: number): { name: string; sim: number }[] {
    if (q.length <= 3) return [];
    const qd = digits(q);
    const shared = new Map<number, number>();
    for (const p of new Set(pairs(q))) for (const id of this.byPair.get(p) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    const out: { name: string; sim: number }[] = [];
    for (const [id, n] of shared) {
      const name = this.names[id]!;
      const longest = Math.max(q.length, name.length);
      const k = Math.floor((1 - min) * longest);
      // Distinct pairs undercount repeats, so the bound is loosened by one.
      if (Math.abs(q.length - name.length) > k || n < Math.min(q.length, name.length) - 2 - 2 * k || this.nameDigits[id] !== qd) continue;
      const sim = name === q ? 1 : 1 - distance(q, name) / longest;
      if (sim >= min) out.push({ name, sim });
    }
    return out.sort((a, b) => b.sim - a.sim || a.name.localeCompare(b.name));
  }
}

function pairs(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length - 1; i++) out.push(s.slice(i, i + 2));
  return out;
}
