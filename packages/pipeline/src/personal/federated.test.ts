import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTracks } from '../identity/resolve.js';
import { withStore, type Store } from '../store/store.js';
import { installGlobalModel, tasteModel } from '../test/global-model.js';
import { demoDataDir, tempDir } from '../test/helpers.js';
import { blend, defaultBlendFor, holdOut, tuneWeight, zScores } from './blend-weight.js';
import { recommendPersonal } from './recommend.js';
import { blendSummary } from './federated.js';
import { trainPersonal } from './train.js';

const NEW_ARTIST = 'Glass Harbour';
const globalItems = (artists: string[]) => tasteModel(artists, NEW_ARTIST);

/** Adds catalogue tracks (never played) through identity resolution, as an import would. */
async function addCatalogue(store: Store, artist: string, titles: string[]): Promise<void> {
  await store.run('CREATE OR REPLACE TEMP TABLE _cat (row_id BIGINT, kind VARCHAR, uri VARCHAR, mbid VARCHAR, isrc VARCHAR, title VARCHAR, artist VARCHAR, album VARCHAR, duration_ms BIGINT)');
  for (const [i, title] of titles.entries()) {
    await store.run("INSERT INTO _cat VALUES ($1, 'track', NULL, NULL, NULL, $2, $3, 'Catalogue', 200000)", [i, title, artist]);
  }
  await resolveTracks(store, '_cat');
}

/** The listener's artists, most played first. */
async function playedArtists(dir: string): Promise<string[]> {
  return withStore({ dataDir: dir }, async (store) =>
    (await store.all<{ a: string }>("SELECT t.artist_name AS a FROM plays p JOIN tracks t USING (track_id) WHERE p.kind = 'track' AND coalesce(p.skipped, FALSE) = FALSE GROUP BY 1 ORDER BY count(*) DESC, 1")).map((r) => r.a),
  );
}

describe('recommend blends the pulled global model', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let state: { dir: string; cleanup: () => Promise<void> };
  let artists: string[];
  const ask = (stateDir: string) => recommendPersonal({ store: { dataDir: dir }, count: 25, explore: 0.3, seed: 5, stateDir });
  beforeAll(async () => {
    ({ dir, cleanup } = await demoDataDir());
    state = await tempDir('mixtape-fed-state-');
    await trainPersonal({ store: { dataDir: dir }, dataDir: dir });
    artists = await playedArtists(dir);
    // Catalogue added after training: the personal model has never seen these tracks.
    await withStore({ dataDir: dir }, (store) => addCatalogue(store, NEW_ARTIST, ['Low Tide', 'Salt Lines', 'Harbour Lights']));
  });
  afterAll(async () => {
    await cleanup();
    await state.cleanup();
  });

  it('works as without a federation before anything is pulled, and ignores a damaged model', async () => {
    const before = await ask(state.dir);
    expect(before.federation).toBeNull();
    expect(before.federationSkipped).toBeUndefined();
    expect(before.tracks.every((t) => t.source === 'personal')).toBe(true);
    expect(before.tracks.some((t) => t.artist === NEW_ARTIST)).toBe(false);

    const damaged = join(state.dir, 'damaged');
    await installGlobalModel(damaged, globalItems(artists));
    await writeFile(join(damaged, 'global', 'model.bin'), Buffer.from('MXM2 not a model at all'));
    const withDamaged = await ask(damaged);
    expect(withDamaged.federation).toBeNull();
    expect(withDamaged.tracks).toEqual(before.tracks);

    // A vocabulary that no longer matches the model is ignored the same way.
    const stale = join(state.dir, 'stale');
    await installGlobalModel(stale, globalItems(artists));
    await writeFile(join(stale, 'vocabulary.json'), JSON.stringify({ keys: ['artist:someone else'], names: ['Someone Else'] }));
    expect((await ask(stale)).tracks).toEqual(before.tracks);
  });

  it('with few played items in the vocabulary, blends at the default weight and picks the artist the listener never played', async () => {
    const few = join(state.dir, 'few');
    // Six of the listener's artists: under the ten items a held-out split needs.
    await installGlobalModel(few, globalItems(artists.slice(0, 6)));
    const r = await ask(few);
    expect(r.federation).toMatchObject({ version: 3, weight: 0.5, weightFrom: 'default', playedItems: 6, heldOutItems: 0 });
    const fromFed = r.tracks.filter((t) => t.artist === NEW_ARTIST);
    expect(fromFed.length).toBeGreaterThan(0);
    for (const t of fromFed) expect(t).toMatchObject({ source: 'federation', reason: `listeners with your taste play ${NEW_ARTIST}`, arm: 'new' });
    // Everything else keeps today's reasons.
    for (const t of r.tracks.filter((x) => x.source === 'personal')) expect(t.reason).not.toMatch(/listeners with your taste/);
    expect(r.tracks).toHaveLength(25);
    await withStore({ dataDir: dir }, async (store) => {
      const saved = await store.all<{ reason: string }>("SELECT reason FROM recommendations WHERE playlist_id = 'mixtape-recommendations' AND reason LIKE 'listeners with your taste%'");
      expect(saved.length).toBe(r.tracks.filter((t) => t.source === 'federation').length);
    });
    // A radio stays about its seed.
    const radio = await recommendPersonal({ store: { dataDir: dir }, count: 10, seed: 5, seedArtist: artists[0]!, stateDir: few });
    expect(radio.federation).toBeNull();
    expect(radio.tracks.every((t) => t.source === 'personal')).toBe(true);
  });

  it('tunes the weight on the listener\'s own held-out plays when they have enough', async () => {
    const all = join(state.dir, 'all');
    await installGlobalModel(all, globalItems(artists));
    const r = await ask(all);
    const f = r.federation!;
    expect(f).toMatchObject({ weightFrom: 'held-out', playedItems: artists.length, heldOutItems: Math.round(artists.length * 0.2) });
    expect(f.ndcgAt10.map((x) => x.weight)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const best = Math.max(...f.ndcgAt10.map((x) => x.ndcg));
    expect(f.ndcgAt10.find((x) => x.weight === f.weight)!.ndcg).toBe(best);
    // The same seed holds out the same items: the weight is stable from run to run.
    expect((await ask(all)).federation).toEqual(f);
  });

  it('says why an installed model was left out when none of the plays is in its vocabulary', async () => {
    const other = join(state.dir, 'other');
    await installGlobalModel(other, globalItems([]));
    const r = await ask(other);
    expect(r.federation).toBeNull();
    expect(r.federationSkipped).toMatch(/none of your plays/);
    expect(r.tracks.every((t) => t.source === 'personal')).toBe(true);
  });
});

describe('the blend weight', () => {
  // 40 vocabulary items; the listener played 0..19; 20..39 were never played.
  const n = 40;
  const played = Int32Array.from({ length: 20 }, (_, i) => i);
  const held = holdOut(played, 1);
  const kept = Array.from(played).filter((i) => !held.has(i));
  // A side that ranks the held-out items first, and one that ranks them last.
  const knows = zScores(Float64Array.from({ length: n }, (_, i) => (held.has(i) ? 5 : i >= 20 ? (i % 7) / 7 : 1)));
  const blind = zScores(Float64Array.from({ length: n }, (_, i) => (held.has(i) ? -5 : i >= 20 ? (i % 7) / 7 : 1)));

  it('holds out a seeded fifth of the played items', () => {
    expect(held.size).toBe(4);
    expect(holdOut(played, 1)).toEqual(held);
    expect(holdOut(played, 2)).not.toEqual(held);
    for (const i of held) expect(i).toBeLessThan(20);
  });

  it('gives the federation the weight when it ranks the held-out plays and the personal side does not, and the reverse', () => {
    const fedWins = tuneWeight(blind, knows, held, kept);
    expect(fedWins.weight).toBeGreaterThan(0.5);
    expect(fedWins.ndcgAt10[0]!.ndcg).toBe(0);
    const personalWins = tuneWeight(knows, blind, held, kept);
    expect(personalWins.weight).toBeLessThan(0.5);
    expect(personalWins.ndcgAt10[0]!.ndcg).toBe(1);
  });

  it('keeps the default when the split cannot tell the sides apart, or not by the margin', () => {
    expect(tuneWeight(knows, knows, held, kept).weight).toBe(0.5);
    const fedWins = tuneWeight(blind, knows, held, kept);
    const best = Math.max(...fedWins.ndcgAt10.map((r) => r.ndcg));
    const atDefault = fedWins.ndcgAt10.find((r) => r.weight === 0.5)!.ndcg;
    expect(tuneWeight(blind, knows, held, kept, 10, best - atDefault + 0.01).weight).toBe(0.5);
    expect(tuneWeight(blind, knows, held, kept, 10, best - atDefault - 0.01).weight).toBe(fedWins.weight);
  });

  it("starts from the pulled model's tier: 0.75 for a large federation's factors, 0.5 otherwise", () => {
    // The tiers' content shares: 50,000+ listeners 0.2, 5,000+ 0.5, small 0.8, no noise 0.4.
    expect(defaultBlendFor(0.2)).toBe(0.75);
    expect(defaultBlendFor(0.5)).toBe(0.5);
    expect(defaultBlendFor(0.8)).toBe(0.5);
    expect(defaultBlendFor(0.4)).toBe(0.5);
    expect(defaultBlendFor(0)).toBe(1);
    expect(defaultBlendFor(undefined)).toBe(0.5);
    // That default is what the margin protects: kept when the split cannot tell the sides apart.
    expect(tuneWeight(knows, knows, held, kept, 10, 0.3, 0.75).weight).toBe(0.75);
    const personalWins = tuneWeight(knows, blind, held, kept, 10, 0, 0.75);
    expect(personalWins.weight).toBeLessThan(0.5);
  });

  it('counts a side that knows nothing of an item as average', () => {
    expect(blend(Number.NaN, 2, 0.5)).toBe(1);
    expect(blend(2, Number.NaN, 0.25)).toBe(1.5);
  });
});

describe('what recommend says about the blend weight', () => {
  const tuned = (weight: number, ndcg: number[]) => ({ version: 4, weight, weightFrom: 'held-out' as const, playedItems: 40, heldOutItems: 8, ndcgAt10: [0, 0.25, 0.5, 0.75, 1].map((w, i) => ({ weight: w, ndcg: ndcg[i]! })) });

  it('says when the weight was tuned, when the default was kept, and when it could not be tuned', () => {
    expect(blendSummary(tuned(0.75, [0.1, 0.2, 0.3, 0.7, 0.5]))).toBe('blended with global model version 4 at weight 0.75 (tuned on 8 of your played items held out)');
    expect(blendSummary(tuned(0.5, [0.1, 0.2, 0.3, 0.5, 0.4]))).toBe(
      'blended with global model version 4 at weight 0.5 (tuned on 8 of your played items held out; the default, since no other weight ranked them better by 0.3 NDCG@10)',
    );
    expect(blendSummary(tuned(0.5, [0.3, 0.3, 0.3, 0.3, 0.3]))).toBe('blended with global model version 4 at weight 0.5 (tuned on 8 of your played items held out)');
    expect(blendSummary({ version: 4, weight: 0.5, weightFrom: 'default', playedItems: 6, heldOutItems: 0, ndcgAt10: [] })).toBe(
      'blended with global model version 4 at weight 0.5 (default: too few of your plays are in its vocabulary to tune it)',
    );
  });
});
