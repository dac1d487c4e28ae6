import { readFile } from 'node:fs/promises';
import { MixtapeError, seededRandom } from '@mixtape/core';

/** One user's interactions in the file's own item ids. */
export interface UserRows {
  user: string;
  items: string[];
  counts: number[];
}

/** Header names of the user, item and weight columns (lower case). */
const USER_COLUMNS = ['user', 'userid', 'user_id'];
const ITEM_COLUMNS = ['item', 'itemid', 'item_id', 'artist', 'artistid', 'artist_id', 'track', 'track_id'];
const WEIGHT_COLUMNS = ['weight', 'plays', 'playcount', 'count', 'value'];

/**
 * Reads `user item [weight]` lines (tab, comma or space separated), summing weights of repeated
 * pairs. HetRec's user_artists.dat is this shape, and so is `model fit`'s CSV: a first line that
 * names its columns (user and item, e.g. `user,item,weight` or `userID artistID weight`, in any
 * order) says where they are; another first line whose weight is not a number is skipped.
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
  const split = (line: string) => line.split(/[\t,; ]+/).map((x) => x.replace(/^"|"$/g, ''));
  const first = split(lines[0]!.trim()).map((x) => x.toLowerCase());
  const at = (names: string[]) => first.findIndex((x) => names.includes(x));
  const named = at(USER_COLUMNS) >= 0 && at(ITEM_COLUMNS) >= 0;
  const [uc, ic, wc] = named ? [at(USER_COLUMNS), at(ITEM_COLUMNS), at(WEIGHT_COLUMNS)] : [0, 1, 2];
  for (let n = named ? 1 : 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line) continue;
    const f = split(line);
    const w = wc >= 0 && f.length > wc ? Number(f[wc]) : 1;
    if (f.length <= Math.max(uc, ic) || !Number.isFinite(w)) {
      if (n === 0) continue;
      throw new MixtapeError('interactions_malformed', `Line ${n + 1} of ${path} is not "user item [weight]"`, {
        suggestion: 'fix or remove that line',
      });
    }
    let m = byUser.get(f[uc]!);
    if (!m) byUser.set(f[uc]!, (m = new Map()));
    m.set(f[ic]!, (m.get(f[ic]!) ?? 0) + w);
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
