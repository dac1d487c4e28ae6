import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultParams, join as joinFederation, startHub, vocabulary } from '@mixtape/federation';
import { trainPersonal } from '../personal/train.js';
import { demoDataDir, tempDir } from '../test/helpers.js';
import { runDaily } from './daily.js';

describe('mixtape daily in a federation', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await demoDataDir());
    await trainPersonal({ store: { dataDir: dir }, dataDir: dir });
  });
  afterAll(() => cleanup());

  it("pulls the hub's latest model before recommending; with the hub down the playlist is still made", async () => {
    const v = vocabulary(['artist:velvet parade', 'artist:silver foxes']);
    const hubDir = await tempDir('mixtape-hub-');
    const node = await tempDir('mixtape-fed-state-');
    const hub = await startHub({ port: 0, dir: hubDir.dir, vocabulary: v, params: defaultParams({ vocabVersion: v.version, vocabSize: 2, minContributors: 1, als: { dim: 2, sharedItems: 2, itemsPerNode: 2, rounds: 1 } }) });
    const daily = (out: string) => runDaily({ store: { dataDir: dir }, out: join(dir, out), stateDir: node.dir, env: {}, sources: [] });
    try {
      await joinFederation({ hub: hub.url, dir: node.dir, requireSecureAggregation: false });
      expect(existsSync(join(node.dir, 'global', 'model.bin'))).toBe(false);
      const up = await daily('up.m3u8');
      expect(up.federation).toBe('installed global model version 0 (initial)');
      expect(existsSync(join(node.dir, 'global', 'model.bin'))).toBe(true);
      await hub.stop();
      const down = await daily('down.m3u8');
      expect(down.federation).toMatch(/^pull failed, recommending with the model installed before, if any \(hub_unreachable: /);
      expect(down.targets[0]!.picks).toBe(50);
      expect(existsSync(join(dir, 'down.m3u8'))).toBe(true);
      // Outside a federation there is nothing to say.
      const alone = await runDaily({ store: { dataDir: dir }, out: join(dir, 'alone.m3u8'), stateDir: join(dir, 'no-federation'), env: {}, sources: [] });
      expect(alone).not.toHaveProperty('federation');
      expect(alone.targets[0]!.picks).toBe(50);
    } finally {
      await hub.stop();
      await hubDir.cleanup();
      await node.cleanup();
    }
  });
});
