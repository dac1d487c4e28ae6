import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHubFeatures, readVocabularyFile } from './vocabulary-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixtape-vocab-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("a hub's public features", () => {
  it('name an item by its key, the bare id of an id: key, or an artist name as written', async () => {
    await writeFile(join(dir, 'vocabulary.tsv'), 'key\tname\nartist:beyonce\tBeyoncé\nartist:radiohead\tRadiohead\nid:42\tFourty-two\nmbid:abc\tA recording\n');
    // Names in any spelling the normalizer folds, similar targets too; a row for an unknown item is ignored.
    await writeFile(
      join(dir, 'features.tsv'),
      'item\tfeature\tweight\nBeyoncé\ttag:rnb\t1\nRADIOHEAD\tsimilar:Beyonce\t0.5\n42\ttag:rnb\t1\nmbid:abc\ttag:rock\t1\nPortishead\ttag:trip-hop\t1\n',
    );
    const vocab = await readVocabularyFile(join(dir, 'vocabulary.tsv'));
    const f = await readHubFeatures(join(dir, 'features.tsv'), vocab);
    const slots = (i: number) => Array.from(f.indices.subarray(f.indptr[i]!, f.indptr[i + 1]!)).sort((a, b) => a - b);
    const [beyonce, radiohead, fortyTwo, recording] = [0, 1, 2, 3].map(slots);
    // Beyoncé: her tag and the similar:beyonce feature every edge target carries; Radiohead: the edge.
    expect(beyonce).toHaveLength(2);
    expect(radiohead).toHaveLength(1);
    expect(beyonce).toContain(radiohead[0]);
    expect(fortyTwo).toHaveLength(1);
    expect(beyonce).toContain(fortyTwo[0]);
    expect(recording).toHaveLength(1);
    expect(recording[0]).not.toBe(fortyTwo[0]);
  });

  it('refuse a file that names no item of the vocabulary', async () => {
    await writeFile(join(dir, 'vocabulary.txt'), 'Radiohead\n');
    await writeFile(join(dir, 'features.tsv'), 'item\tfeature\nPortishead\ttag:trip-hop\n');
    const vocab = await readVocabularyFile(join(dir, 'vocabulary.txt'));
    await expect(readHubFeatures(join(dir, 'features.tsv'), vocab)).rejects.toMatchObject({ code: 'item_features_unmatched' });
  });
});
