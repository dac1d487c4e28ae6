import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readItemFeatures } from './dataset.js';
import { readInteractions } from './interactions.js';

describe('reading an interactions file for simulate', () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'mixtape-interactions-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const read = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return readInteractions(join(dir, name));
  };

  it("reads model fit's CSV: a two-column header is a header, not a listener", async () => {
    expect(await read('two.csv', 'user,item\n1,a\n1,b\n2,a\n')).toEqual([
      { user: '1', items: ['a', 'b'], counts: [1, 1] },
      { user: '2', items: ['a'], counts: [1] },
    ]);
  });

  it('finds the columns a header names, in any order', async () => {
    expect(await read('order.csv', 'item,weight,user\na,3,1\nb,2,1\na,1,1\n')).toEqual([{ user: '1', items: ['a', 'b'], counts: [4, 2] }]);
    expect(await read('hetrec.dat', 'userID\tartistID\tweight\r\n2\t51\t13883\r\n2\t52\t11690\r\n')).toEqual([{ user: '2', items: ['51', '52'], counts: [13883, 11690] }]);
  });

  it('reads lines without a header as user, item, weight', async () => {
    expect(await read('bare.tsv', 'alice\tbeatles\t3\nalice\tkinks\n')).toEqual([{ user: 'alice', items: ['beatles', 'kinks'], counts: [3, 1] }]);
  });

  it('names a bad line', async () => {
    await expect(read('bad.csv', 'user,item,weight\n1,a,2\n1,b,lots\n')).rejects.toMatchObject({ code: 'interactions_malformed', message: expect.stringContaining('Line 3') });
  });

  it('refuses a features file none of whose rows names a known item', async () => {
    await writeFile(join(dir, 'tags.csv'), 'item,feature\nx,rock\ny,pop\n');
    await expect(readItemFeatures(join(dir, 'tags.csv'), ['a', 'b'])).rejects.toMatchObject({ code: 'item_features_unmatched', message: expect.stringContaining('"x"') });
    const f = await readItemFeatures(join(dir, 'tags.csv'), ['a', 'x']);
    expect(f.indptr[2]! - f.indptr[1]!).toBe(1);
  });
});
