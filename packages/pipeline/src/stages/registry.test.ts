import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { importSpotifyExport } from '../import/spotify-export.js';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { parsePhases, runPipeline } from './pipeline.js';
import { pipelineStages } from './registry.js';

describe('mixtape run with the real stages', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
    await withStore({ dataDir: dir }, (store) => importSpotifyExport(store, join(dir, 'export.zip')));
  });
  afterAll(() => cleanup());

  it('trains and pushes the recommendations to files, with rows in and out per stage', async () => {
    const r = await runPipeline(parsePhases('train,push'), pipelineStages({ pushTo: ['m3u8', 'jspf'], count: 20, env: {} }), { store: { dataDir: dir } });
    expect(r.ok).toBe(true);
    expect(r.stages.map((s) => [s.stage, s.status])).toEqual([['train', 'ok'], ['push', 'ok']]);
    expect(r.stages[0]!.rowsIn).toBeGreaterThan(3000);
    expect(r.stages[1]).toMatchObject({ rowsIn: 20, rowsOut: 40 });
    expect(existsSync(join(dir, 'playlists', 'mixtape-picks.m3u8'))).toBe(true);
    expect(existsSync(join(dir, 'playlists', 'mixtape-picks.jspf'))).toBe(true);
  });

  it('refuses the plan up front without a Spotify login, a federation or a known target', async () => {
    const stages = pipelineStages({ pushTo: ['m3u8'], count: 5, env: {} });
    await expect(runPipeline(parsePhases('export,train'), stages, { store: { dataDir: dir } })).rejects.toMatchObject({ code: 'not_logged_in' });
    const prev = process.env.MIXTAPE_CONFIG_DIR;
    process.env.MIXTAPE_CONFIG_DIR = join(dir, 'no-config');
    try {
      await expect(runPipeline(parsePhases('train,publish'), stages, { store: { dataDir: dir } })).rejects.toMatchObject({ code: 'not_joined' });
    } finally {
      if (prev === undefined) delete process.env.MIXTAPE_CONFIG_DIR;
      else process.env.MIXTAPE_CONFIG_DIR = prev;
    }
    await expect(runPipeline(parsePhases('push'), pipelineStages({ pushTo: ['cassette' as never], count: 5 }), { store: { dataDir: dir } })).rejects.toMatchObject({ code: 'invalid_target' });
  });
});
