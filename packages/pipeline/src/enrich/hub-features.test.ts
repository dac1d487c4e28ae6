import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readHubFeatures, readVocabularyFile } from '@mixtape/federation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { writeHubFeatures } from './hub-features.js';

let t: { dir: string; cleanup: () => Promise<void> };

beforeEach(async () => {
  t = await tempDir();
  // Two stored artists of one normalized name (one from an import, one a similar-artist target),
  // tags from two sources, an edge to an artist that has nothing of its own, and one artist with
  // a tab in a tag.
  await withStore({ dataDir: t.dir }, (store) =>
    store.run(`
INSERT INTO artists (artist_id, name, name_key) VALUES
  ('a1', 'Beyoncé', 'beyonce'), ('a2', 'BEYONCE', 'beyonce'), ('a3', 'Radiohead', 'radiohead'),
  ('a4', 'Thom Yorke', 'thom yorke'), ('a5', '   ', ''), ('a6', 'Atoms for Peace', 'atoms for peace');
INSERT INTO artist_tags (artist_id, tag, weight, source) VALUES
  ('a1', 'R&B', 1, 'lastfm'), ('a2', 'rnb', 0.4, 'lastfm'), ('a2', 'R&B', 0.5, 'musicbrainz'),
  ('a3', 'alternative', 1, 'lastfm'), ('a3', 'art' || chr(9) || 'rock', 0.2, 'lastfm'), ('a5', 'noise', 1, 'lastfm');
INSERT INTO "similar" (from_id, to_id, kind, weight, source) VALUES
  ('a3', 'a4', 'artist', 0.8, 'lastfm'), ('a3', 'a6', 'artist', NULL, 'lastfm'), ('a4', 'a3', 'artist', 0.8, 'lastfm'),
  ('a1', 'a2', 'artist', 1, 'lastfm');`),
  );
});
afterEach(() => t.cleanup());

describe('writeHubFeatures', () => {
  it('writes every enriched artist keyed as a vocabulary keys it, and the matching vocabulary', async () => {
    const out = join(t.dir, 'features.tsv');
    const vocabOut = join(t.dir, 'vocabulary.tsv');
    const s = await writeHubFeatures({ store: { dataDir: t.dir }, out, vocabularyOut: vocabOut });
    expect(await readFile(out, 'utf8')).toBe(
      [
        'item\tfeature\tweight',
        // Both stored Beyoncés are one item; of two weights for one tag the larger is kept; an edge between them is dropped.
        'artist:beyonce\ttag:r&b\t2',
        'artist:beyonce\ttag:rnb\t1.4',
        'artist:radiohead\tsimilar:artist:atoms for peace\t1',
        'artist:radiohead\tsimilar:artist:thom yorke\t0.8',
        'artist:radiohead\ttag:alternative\t2',
        'artist:radiohead\ttag:art rock\t1.2',
        'artist:thom yorke\tsimilar:artist:radiohead\t0.8',
        '',
      ].join('\n'),
    );
    expect(s).toEqual({ out, items: 3, withTags: 2, withSimilar: 2, rows: 7, vocabularyOut: { path: vocabOut, items: 4 } });
    expect(await readFile(vocabOut, 'utf8')).toBe('key\tname\nartist:atoms for peace\tAtoms for Peace\nartist:beyonce\tBeyoncé\nartist:radiohead\tRadiohead\nartist:thom yorke\tThom Yorke\n');

    // A hub reads both back: Thom Yorke, with no tag, has Radiohead's similar feature and his own;
    // Atoms for Peace, with no row at all, still has its own, which Radiohead shares.
    const vocab = await readVocabularyFile(vocabOut);
    const f = await readHubFeatures(out, vocab);
    const count = (name: string) => {
      const i = vocab.keys.indexOf(`artist:${name}`);
      return f.indptr[i + 1]! - f.indptr[i]!;
    };
    expect([count('thom yorke'), count('atoms for peace'), count('radiohead'), count('beyonce')]).toEqual([2, 1, 5, 2]);
  });

  it('keeps to the vocabulary given: its artists only, edges only between them', async () => {
    const vocabPath = join(t.dir, 'artists.txt');
    await writeFile(vocabPath, 'Radiohead\nAtoms For Peace\nPortishead\n');
    const out = join(t.dir, 'features.tsv');
    const s = await writeHubFeatures({ store: { dataDir: t.dir }, out, vocabulary: vocabPath });
    expect(await readFile(out, 'utf8')).toBe(
      'item\tfeature\tweight\nartist:radiohead\tsimilar:artist:atoms for peace\t1\nartist:radiohead\ttag:alternative\t2\nartist:radiohead\ttag:art rock\t1.2\n',
    );
    expect(s.vocabulary).toEqual({ path: vocabPath, items: 3, artists: 3, withoutFeatures: 2 });
  });

  it('says what to do when there is nothing to write, and leaves an existing file as it was', async () => {
    const vocabPath = join(t.dir, 'artists.txt');
    await writeFile(vocabPath, 'Portishead\n');
    const out = join(t.dir, 'features.tsv');
    await writeFile(out, 'kept\n');
    await expect(writeHubFeatures({ store: { dataDir: t.dir }, out, vocabulary: vocabPath })).rejects.toMatchObject({
      code: 'no_public_features',
      message: expect.stringContaining('None of the 1 items'),
      suggestion: expect.stringContaining(`mixtape enrich --artists ${vocabPath}`),
    });
    await withStore({ dataDir: t.dir }, (store) => store.run('DELETE FROM artist_tags; DELETE FROM "similar"'));
    await expect(writeHubFeatures({ store: { dataDir: t.dir }, out })).rejects.toMatchObject({ code: 'no_public_features', message: 'This store has no artist tags or similar artists to export' });
    expect(await readFile(out, 'utf8')).toBe('kept\n');
    // A data dir without a database (a wrong --data-dir, most often) is said to be one, and none is created.
    await expect(writeHubFeatures({ store: { dataDir: join(t.dir, 'elsewhere') }, out })).rejects.toMatchObject({ code: 'no_database' });
    expect(existsSync(join(t.dir, 'elsewhere', 'mixtape.duckdb'))).toBe(false);
  });
});
