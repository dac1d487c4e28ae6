import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { defaultParams, join as joinFederation, startHub, vocabulary } from '@mixtape/federation';
import { importSpotifyExport } from '../import/spotify-export.js';
import { withStore } from '../store/store.js';
import { installGlobalModel, tasteModel } from '../test/global-model.js';
import { demoDataDir, tempDir } from '../test/helpers.js';
import { parsePhases, runPipeline } from './pipeline.js';
import { pipelineStages } from './registry.js';

describe('mixtape run with the real stages', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await demoDataDir());
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

  it('pulls before pushing: nothing to do outside a federation, and a hub that is down fails neither publish nor pull', async () => {
    const fed = await tempDir('mixtape-fed-state-');
    try {
      const stages = pipelineStages({ pushTo: ['m3u8'], count: 10, env: {}, stateDir: fed.dir });
      const alone = await runPipeline(parsePhases('pull,push'), stages, { store: { dataDir: dir } });
      expect(alone.ok).toBe(true);
      expect(alone.stages[0]).toMatchObject({ stage: 'pull', status: 'ok', rowsOut: 0, detail: 'not in a federation: nothing to pull' });
      expect(alone.stages[1]!.detail).toBe(`10 picks to ${join(dir, 'playlists', 'mixtape-picks.m3u8')}`);
      // Joined, with a model pulled earlier, and the hub gone (node.json names a closed port).
      await installGlobalModel(fed.dir, tasteModel(['Velvet Parade', 'Silver Foxes'], 'Glass Harbour'));
      const down = await runPipeline(parsePhases('publish,pull,push'), stages, { store: { dataDir: dir } });
      expect(down.ok).toBe(true);
      // Publishing waits for the hub; the playlist is still made.
      expect(down.stages[0]).toMatchObject({ stage: 'publish', status: 'ok', rowsOut: 0 });
      expect(down.stages[0]!.detail).toMatch(/^not published this run \(hub_unreachable: /);
      expect(down.stages[1]).toMatchObject({ stage: 'pull', status: 'ok', rowsOut: 0 });
      expect(down.stages[1]!.detail).toMatch(/^pull failed, recommending with the model installed before, if any \(hub_unreachable: /);
      expect(down.stages[2]!.detail).toMatch(/^10 picks, \d+ from the federation \(weight 0\.5\) to /);
    } finally {
      await fed.cleanup();
    }
  });

  it('installs the hub\'s latest model in the pull phase once joined', async () => {
    const v = vocabulary(['artist:velvet parade', 'artist:silver foxes']);
    const hubDir = await tempDir('mixtape-hub-');
    const node = await tempDir('mixtape-fed-state-');
    const hub = await startHub({ port: 0, dir: hubDir.dir, vocabulary: v, params: defaultParams({ vocabVersion: v.version, vocabSize: 2, minContributors: 1, als: { dim: 2, sharedItems: 2, itemsPerNode: 2, rounds: 1 } }) });
    try {
      await joinFederation({ hub: hub.url, dir: node.dir, requireSecureAggregation: false });
      const stages = pipelineStages({ pushTo: [], count: 5, env: {}, stateDir: node.dir });
      const first = await runPipeline(parsePhases('pull'), stages, { store: { dataDir: dir } });
      expect(first.stages[0]).toMatchObject({ status: 'ok', rowsIn: 1, rowsOut: 1, detail: 'installed global model version 0 (initial)' });
      expect(existsSync(join(node.dir, 'global', 'model.bin'))).toBe(true);
      const again = await runPipeline(parsePhases('pull'), stages, { store: { dataDir: dir } });
      expect(again.stages[0]).toMatchObject({ status: 'ok', rowsOut: 0, detail: 'already had global model version 0 (initial)' });
    } finally {
      await hub.stop();
      await hubDir.cleanup();
      await node.cleanup();
    }
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

describe('mixtape run, every phase but publish, against fake services', () => {
  it('exports, enriches, trains and pushes in one run, then a second run asks the services nothing new', async () => {
    const { FakeSpotify, FakeDeezer, FakeLastfm, FakeMusicBrainz } = await import('@mixtape/fixtures');
    const sp = new FakeSpotify({ savedTracks: 60, playlists: [40], foreignPlaylists: [] });
    const dz = new FakeDeezer({ rate: { count: 250, windowMs: 1000 } });
    const lf = new FakeLastfm({ rate: { count: 150, windowMs: 1000 } });
    const mb = new FakeMusicBrainz({ rate: { count: 60, windowMs: 1000 } });
    await Promise.all([sp.start(), dz.start(), lf.start(), mb.start()]);
    const { dir: d, cleanup: done } = await tempDir();
    try {
      await writeFile(join(d, 'export.zip'), demoExport().zip);
      await withStore({ dataDir: d }, (store) => importSpotifyExport(store, join(d, 'export.zip')));
      const env = {
        SPOTIFY_ACCESS_TOKEN: 'test-token', MIXTAPE_SPOTIFY_API_URL: `${sp.url}/v1`, MIXTAPE_SPOTIFY_RATE: '1000/1s',
        MIXTAPE_DEEZER_API_URL: dz.url, MIXTAPE_DEEZER_RATE: '250/1s',
        MIXTAPE_LASTFM_API_URL: `${lf.url}/2.0/`, MIXTAPE_LASTFM_RATE: '150/1s', LASTFM_API_KEY: 'test-key',
        MIXTAPE_MUSICBRAINZ_API_URL: `${mb.url}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: '60/1s',
      };
      const phases = parsePhases('export,enrich,train,push');
      const r = await runPipeline(phases, pipelineStages({ pushTo: ['xspf'], count: 15, env }), { store: { dataDir: d } });
      expect(r.stages.map((s) => [s.stage, s.status])).toEqual([['export', 'ok'], ['enrich', 'ok'], ['train', 'ok'], ['push', 'ok']]);
      expect(r.stages[0]!.rowsOut).toBeGreaterThanOrEqual(100);
      expect(r.stages[1]!.rowsIn).toBeGreaterThan(0);
      expect(existsSync(join(d, 'playlists', 'mixtape-picks.xspf'))).toBe(true);
      // Web API rows are stored, and none of them is training data (the model saw the export's plays only).
      await withStore({ dataDir: d }, async (store) => {
        expect(Number(await store.scalar("SELECT count(*) FROM library WHERE source = 'spotify_api'"))).toBeGreaterThan(0);
      });
      // Recommended tracks found through similar-track edges join the work list (the push targets want
      // their ids), so the next enrich asks about those only; the one after asks nothing at all.
      const onlyEnrich = () => runPipeline(parsePhases('enrich'), pipelineStages({ pushTo: [], count: 5, env }), { store: { dataDir: d } });
      const next = await onlyEnrich();
      expect(next.stages[0]!.rowsIn).toBeLessThanOrEqual(3 * 15);
      const seen = { dz: dz.seen.length, lf: lf.seen.length, mb: mb.seen.length };
      const again = await onlyEnrich();
      expect(again.stages[0]).toMatchObject({ status: 'ok', rowsIn: 0 });
      expect({ dz: dz.seen.length, lf: lf.seen.length, mb: mb.seen.length }).toEqual(seen);
    } finally {
      await Promise.all([sp.stop(), dz.stop(), lf.stop(), mb.stop()]);
      await done();
    }
  });
});
