import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@mixtape/model';
import { importSpotifyExport } from '../import/spotify-export.js';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { trainPersonal } from './train.js';

const SHARED = process.env.MIXTAPE_SHARED_DATA ?? resolve(fileURLToPath(import.meta.url), '../../../../../../shared/data');
// A missing ../shared/data fails this file loudly: CI always has it, and a skip would pass unseen.
if (!existsSync(SHARED)) throw new Error(`${SHARED} is missing: the personal-model conformance tests need ../shared/data beside the repository (or MIXTAPE_SHARED_DATA)`);

/** Imports one real export into a fresh data dir and trains the personal model there (seed 42, float32: no int8 comparison). */
async function trainOn(person: string, dir: string) {
  await withStore({ dataDir: dir }, (store) => importSpotifyExport(store, join(SHARED, 'spotify-export', person)));
  return trainPersonal({ store: { dataDir: dir }, dataDir: dir, quantize: 'float32', seed: 42 });
}

describe('conformance: the personal model on real listeners chooses its settings on their own held-out plays', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('person-2 (465 sparse rows, no tags): leaves the full hybrid, whose artist features cost a third of its NDCG, and saves what it chose', async () => {
    const s = await trainOn('person-2', join(dir, 'p2'));
    expect(s.settings.scores.map((c) => c.name)).toEqual(['hybrid', 'factors and features', 'factors only']);
    expect(s.settings.chosen).toBe('factors and features');
    const [hybrid, chosen] = s.settings.scores.map((c) => c.ndcg);
    expect(chosen! / hybrid!).toBeGreaterThan(1.4);
    expect(s.settings.heldOutRows).toBe(465);
    // The saved model carries the choice: recommend scores without the content part.
    expect(loadModel(s.path).model.params.contentBeta).toBe(0);
  });

  it('person-1 (1,321 rows): keeps the full hybrid, which scores best on its held-out plays', async () => {
    const s = await trainOn('person-1', join(dir, 'p1'));
    expect(s.settings.chosen).toBe('hybrid');
    const [hybrid, ...others] = s.settings.scores.map((c) => c.ndcg);
    for (const o of others) expect(hybrid!).toBeGreaterThan(o);
    expect(loadModel(s.path).model.params.contentBeta).toBe(0.4);
  });
});
