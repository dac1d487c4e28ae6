import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeListenBrainz } from '@mixtape/fixtures';
import { withStore } from '@mixtape/pipeline';
import { mixtape } from '../../test/run-cli.js';

const NOW = Math.floor(Date.now() / 1000);

describe('mixtape import listenbrainz (built) against a local ListenBrainz', () => {
  let dir: string;
  let fake: FakeListenBrainz;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-cli-lb-'));
    fake = new FakeListenBrainz({ user: 'rob', token: 'secret-lb-token' });
    for (let i = 0; i < 30; i++) fake.addListen(NOW - 600 - i * 3600, { title: `Song ${i}`, artist: 'Band' });
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs, then a rerun adds nothing; the token never appears in the output', async () => {
    const env = { MIXTAPE_LISTENBRAINZ_API_URL: fake.url, LISTENBRAINZ_TOKEN: 'secret-lb-token' };
    const first = await mixtape(['import', 'listenbrainz', '--user', 'rob', '--data-dir', join(dir, 'data'), '--json'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ user: 'rob', direction: 'backwards', listens: 30, added: 30, requests: 2, feedback: 0 });
    const again = await mixtape(['import', 'listenbrainz', '--user', 'rob', '--overlap', '1', '--data-dir', join(dir, 'data')], env);
    expect(again.code).toBe(0);
    // A day back from the newest listen (an hour apart): 24 listens re-read, none new.
    // One request for the listens, one for loves and hates (none here).
    expect(again.stdout).toMatch(/^24 listens read forwards since \S+ \(1 pages, 2 requests\): 0 new plays, 24 already there, 0 already imported from another source$/m);
    expect(again.stdout).toMatch(/^feedback: 0 read, 0 likes, 0 bans, 0 already recorded, 0 for recordings with no listen here$/m);
    expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain('secret-lb-token');
    expect(await withStore({ dataDir: join(dir, 'data') }, (s) => s.scalar(`SELECT count(*) FROM plays WHERE source = 'listenbrainz'`))).toBe(30);
  });

  it('needs exactly one of --user and --zip, and says so', async () => {
    const r = await mixtape(['import', 'listenbrainz', '--data-dir', join(dir, 'data')], {});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--user|--zip/);
  });
});
