import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDeezer, FakeLastfm, FakeMusicBrainz } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { CLI, runCli } from '../test/helpers.js';
import { seedCatalogue } from './seed.test-helper.js';

// Runs the real CLI (built by `tsc -b`) and kills it with SIGKILL in the middle of enrichment: the
// fake Last.fm holds a request unanswered at the kill point, so every kill lands mid-run, on any machine.
const dz = new FakeDeezer({ rate: { count: 50, windowMs: 1000 }, latencyMs: 2 });
const lf = new FakeLastfm({ rate: { count: 50, windowMs: 1000 }, latencyMs: 2 });
const mb = new FakeMusicBrainz({ rate: { count: 50, windowMs: 1000 }, latencyMs: 2 });

beforeAll(() => Promise.all([dz.start(), lf.start(), mb.start()]).then(() => undefined));
afterAll(() => Promise.all([dz.stop(), lf.stop(), mb.stop()]).then(() => undefined));

const served = () => dz.count() + lf.count() + mb.count();

/** Runs enrich; with `killAtLastfmRequest`, kills it while Last.fm holds that request (counted from its start) unanswered. */
async function runEnrich(dataDir: string, killAtLastfmRequest?: number) {
  const env = {
    MIXTAPE_DEEZER_API_URL: dz.url, MIXTAPE_DEEZER_RATE: '50/1s',
    MIXTAPE_LASTFM_API_URL: `${lf.url}/2.0/`, MIXTAPE_LASTFM_RATE: '50/1s', LASTFM_API_KEY: 'test-key',
    MIXTAPE_MUSICBRAINZ_API_URL: `${mb.url}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: '50/1s',
  };
  if (killAtLastfmRequest === undefined) return runCli(['enrich', '--json', '--data-dir', dataDir], env);
  let held = false;
  void lf.holdFrom(killAtLastfmRequest).then(() => (held = true));
  try {
    return await runCli(['enrich', '--json', '--data-dir', dataDir], env, { when: () => held });
  } finally {
    lf.release();
  }
}

describe('enrich after kill -9', () => {
  it('finishes every track once after kills, and a further run sends no request', { timeout: 240_000 }, async () => {
    expect(existsSync(CLI), 'build first: npx tsc -b').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mt-enrich-kill-'));
    const seed = await Store.open({ dataDir: dir });
    await seedCatalogue(seed, 300);
    seed.close();
    // Last.fm asks 2 to 4 questions a track: both kill points fall well inside the 300 tracks.
    for (const at of [100, 150]) expect((await runEnrich(dir, at)).signal, `killed at Last.fm request ${at}`).toBe('SIGKILL');
    expect((await runEnrich(dir)).code).toBe(0);
    const store = await Store.open({ dataDir: dir });
    try {
      const states = await store.all<{ source: string; n: number; failed: number }>(
        `SELECT source, count(*) AS n, count(*) FILTER (WHERE status = 'failed') AS failed FROM enrich_state GROUP BY source ORDER BY source`);
      expect(states).toEqual([{ source: 'deezer', n: 300, failed: 0 }, { source: 'lastfm', n: 300, failed: 0 }, { source: 'musicbrainz', n: 300, failed: 0 }]);
      expect(await store.scalar(`SELECT count(*) FROM deezer_tracks`)).toBe(285);
      expect(await store.scalar(`SELECT count(*) FROM (SELECT track_id, tag, source, count(*) c FROM track_tags GROUP BY ALL HAVING c > 1)`)).toBe(0);
    } finally {
      store.close();
    }
    const before = served();
    expect((await runEnrich(dir)).code).toBe(0);
    expect(served()).toBe(before);
  });
});
