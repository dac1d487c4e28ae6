import { readFile } from 'node:fs/promises';
import { MixtapeError, seededRandom } from '@mixtape/core';

/** One user's interactions in the file's own item ids. */
export interface UserRows {
  user: string;
  items: string[];
  counts: number[];
}

/**
 * Reads `user item [weight]` lines (tab, comma or space separated; a header line is skipped),
 * summing weights of repeated pairs. HetRec's user_artists.dat is this shape.
 */
export async function readInteractions(path: string): Promise<UserRows[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MixtapeError('interactions_unreadable', `Cannot read interactions file ${path}`, {
      suggestion: 'pass a file with lines "user<TAB>item<TAB>weight"',
      cause,
    });
  }
  const byUser = new Map<string, Map<string, number>>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line) continue;
    const f = line.split(/[\t,; ]+/);
    const w = f.length > 2 ? Number(f[2]) : 1;
    if (f.length < 2 || !Number.isFinite(w)) {
      if (n === 0) continue;
      throw new MixtapeError('interactions_malformed', `Line ${n + 1} of ${path} is not "user item [weight]"`, {
        suggestion: 'fix or remove that line',
      });
    }
    let m = byUser.get(f[0]!);
    if (!m) byUser.set(f[0]!, (m = new Map()));
    m.set(f[1]!, (m.get(f[1]!) ?? 0) + w);
  }
  return [...byUser].map(([user, m]) => ({ user, items: [...m.keys()], counts: [...m.values()] }));
}

/** A per-user holdout: `testFraction` of each user's items (at least one, when the user has 5+). */
export function splitUsers(users: UserRows[], testFraction: number, seed: number): { train: UserRows[]; test: Map<string, Set<string>> } {
  const rand = seededRandom(seed);
  const train: UserRows[] = [];
  const test = new Map<string, Set<string>>();
  for (const u of users) {
    const idx = u.items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nTest = u.items.length >= 5 ? Math.max(1, Math.round(u.items.length * testFraction)) : 0;
    const held = new Set(idx.slice(0, nTest).map((i) => u.items[i]!));
    if (held.size > 0) test.set(u.user, held);
    const keep = idx.slice(nTest);
    train.push({ user: u.user, items: keep.map((i) => u.items[i]!), counts: keep.map((i) => u.counts[i]!) });
  }
  return { train, test };
}
