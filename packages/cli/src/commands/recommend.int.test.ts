import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { resolveTracks, withStore } from '@mixtape/pipeline';
import { installGlobalModel, tasteModel } from '../../../pipeline/src/test/global-model.js';
import { mixtape } from '../test/run-cli.js';

interface Picks {
  seed: string | null;
  tracks: Array<{ track_id: string; artist: string | null; source: string; reason: string; arm: 'favourite' | 'new' }>;
  federation: { weight: number; weightFrom: string; version: number } | null;
}

describe('mixtape recommend with a pulled global model (built CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  const state = () => join(dir, 'config', 'federation');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-rec-cli-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
    expect((await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], env)).code).toBe(0);
    const trained = await mixtape(['train', '--json'], env);
    expect(trained.code, trained.stderr).toBe(0);
    // Not enriched, the demo listener's held-out plays choose the hybrid without its tag score.
    expect((JSON.parse(trained.stdout) as { settings: { chosen: string } }).settings.chosen).toBe('factors and features');
    // A catalogue artist the listener never played, added after training.
    await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, async (store) => {
      await store.run("CREATE TEMP TABLE _cat AS SELECT i::BIGINT AS row_id, 'track' AS kind, NULL::VARCHAR AS uri, NULL::VARCHAR AS mbid, NULL::VARCHAR AS isrc, 'Tide ' || i AS title, 'Glass Harbour' AS artist, 'Catalogue' AS album, 200000::BIGINT AS duration_ms FROM range(3) r(i)");
      await resolveTracks(store, '_cat');
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('recommends from the personal model alone before a pull', async () => {
    const r = await mixtape(['recommend', '--count', '20', '--seed', '3', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as Picks;
    expect(p.federation).toBeNull();
    expect(p.tracks.every((t) => t.source === 'personal')).toBe(true);
  });

  it('writes the picks to a playlist file with --out, and refuses an unknown extension before any work', async () => {
    const out = join(dir, 'picks.m3u8');
    const r = await mixtape(['recommend', '--count', '5', '--seed', '3', '--out', out, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out });
    const m3u = await readFile(out, 'utf8');
    expect(m3u.startsWith('#EXTM3U')).toBe(true);
    expect(m3u.split('\n').filter((l) => l.startsWith('#EXTINF'))).toHaveLength(5);
    const before = await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, (store) => store.all("SELECT * FROM playlist_items WHERE playlist_id = 'mixtape-recommendations' ORDER BY position"));
    const bad = await mixtape(['recommend', '--count', '7', '--seed', '9', '--out', join(dir, 'picks.foo'), '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'unknown_format' } });
    // Refused before any work: the last picks are still the ones written above.
    const after = await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, (store) => store.all("SELECT * FROM playlist_items WHERE playlist_id = 'mixtape-recommendations' ORDER BY position"));
    expect(after).toEqual(before);
    expect(after).toHaveLength(5);
    // A share of new music outside 0..1 (or not a number) is a usage error, not a silent default.
    for (const explore of ['2', 'lots']) {
      const wrong = await mixtape(['recommend', '--count', '7', '--explore', explore], env);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(`--explore must be a number from 0 to 1, not "${explore}"`);
    }
    expect(await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, (store) => store.all("SELECT * FROM playlist_items WHERE playlist_id = 'mixtape-recommendations' ORDER BY position"))).toEqual(before);
  });

  it('builds the playlist with the model package builder: favourites and new music, varied artists, reasons, nothing recent', async () => {
    const r = await mixtape(['recommend', '--count', '25', '--seed', '1', '--explore', '0.3', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as Picks;
    expect(p.tracks).toHaveLength(25);
    expect(new Set(p.tracks.map((t) => t.track_id)).size).toBe(25);
    expect(new Set(p.tracks.map((t) => t.arm))).toEqual(new Set(['favourite', 'new']));
    // No artist twice in a row, none more than twice.
    const artists = p.tracks.map((t) => t.artist);
    for (let i = 1; i < artists.length; i++) expect(artists[i]).not.toBe(artists[i - 1]);
    for (const a of new Set(artists)) expect(artists.filter((x) => x === a).length).toBeLessThanOrEqual(2);
    await withStore({ dataDir: env.MIXTAPE_DATA_DIR! }, async (store) => {
      const played = new Set((await store.all<{ track_id: string }>('SELECT DISTINCT track_id FROM plays')).map((x) => x.track_id));
      const recent = await store.all<{ track_id: string }>('SELECT DISTINCT track_id FROM plays WHERE played_at >= (SELECT max(played_at) FROM plays) - INTERVAL 2 DAY');
      // The demo listener played 23 distinct tracks in their last two days: none may come back.
      expect(recent.length).toBe(23);
      for (const t of recent) expect(p.tracks.map((x) => x.track_id)).not.toContain(t.track_id);
      // A favourite is a track the listener played, and says so; new music (to the model: not among
      // their favourites, as the demo listener has played most of the catalogue) says why it was picked.
      for (const t of p.tracks) {
        if (t.arm === 'favourite') expect(played.has(t.track_id)).toBe(true);
        expect(t.reason).toMatch(t.arm === 'favourite' ? /^one of your favourites(, like .+ by .+)?$/ : /^(because you played .+ by .+|new to you.*)$/);
      }
      const saved = await store.all<{ track_id: string }>("SELECT track_id FROM playlist_items WHERE playlist_id = 'mixtape-recommendations' ORDER BY position");
      expect(saved.map((x) => x.track_id)).toEqual(p.tracks.map((t) => t.track_id));
    });
  });

  it("finds a radio's seed artist however it is spelled, by the shared name normalizer", async () => {
    const r = await mixtape(['recommend', '--seed-artist', 'velvet-PARADE', '--count', '5', '--seed', '2', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as Picks;
    expect(p.seed).toBe('Velvet Parade');
    expect(p.tracks).toHaveLength(5);
  });

  it('blends the installed model: picks say their source, and the weight is reported', async () => {
    await installGlobalModel(state(), tasteModel(['Velvet Parade', 'Silver Foxes', 'Static Circuit'], 'Glass Harbour'));
    const r = await mixtape(['recommend', '--count', '20', '--seed', '3', '--explore', '0.3', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as Picks;
    expect(p.federation).toMatchObject({ version: 3, weight: 0.5, weightFrom: 'default' });
    const glass = p.tracks.filter((t) => t.artist === 'Glass Harbour');
    expect(glass.length).toBeGreaterThan(0);
    for (const t of glass) expect(t).toMatchObject({ source: 'federation', reason: 'listeners with your taste play Glass Harbour' });
    expect(p.tracks.some((t) => t.source === 'personal')).toBe(true);

    const text = await mixtape(['recommend', '--count', '10', '--seed', '3'], env);
    expect(text.stdout).toContain('blended with global model version 3 at weight 0.5');
  });

  it('reads the model from --state-dir, and ignores a damaged one', async () => {
    const other = join(dir, 'elsewhere');
    const none = JSON.parse((await mixtape(['recommend', '--count', '5', '--seed', '3', '--state-dir', other, '--json'], env)).stdout) as Picks;
    expect(none.federation).toBeNull();
    await installGlobalModel(other, tasteModel(['Velvet Parade'], 'Glass Harbour'), 7);
    const found = JSON.parse((await mixtape(['recommend', '--count', '5', '--seed', '3', '--state-dir', other, '--json'], env)).stdout) as Picks;
    expect(found.federation).toMatchObject({ version: 7 });
    await writeFile(join(other, 'global', 'model.bin'), 'damaged');
    const damaged = await mixtape(['recommend', '--count', '5', '--seed', '3', '--state-dir', other, '--json'], env);
    expect(damaged.code, damaged.stderr).toBe(0);
    expect((JSON.parse(damaged.stdout) as Picks).federation).toBeNull();
  });

  it('train says which settings the held-out plays chose, with every score', async () => {
    const r = await mixtape(['train'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^settings: factors and features, chosen on \d+ rows of your own held-out plays \(NDCG@10: hybrid 0\.\d{4}, factors and features 0\.\d{4}, factors only 0\.\d{4}\)$/m);
  });
});
