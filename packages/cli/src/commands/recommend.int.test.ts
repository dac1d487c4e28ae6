import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { resolveTracks, withStore } from '@mixtape/pipeline';
import { installGlobalModel, tasteModel } from '../../../pipeline/src/test/global-model.js';
import { mixtape } from '../test/run-cli.js';

interface Picks {
  tracks: Array<{ artist: string | null; source: string; reason: string }>;
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
    expect((await mixtape(['train', '--json'], env)).code).toBe(0);
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
});
