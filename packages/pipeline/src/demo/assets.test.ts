import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastfm } from '@mixtape/connectors';
import { DEMO_ASSET_FILES as WRITTEN, demoAssets, demoCatalogue } from '@mixtape/fixtures';
import { tempDir } from '../test/helpers.js';
import { DEMO_ASSET_FILES, loadDemoAssets } from './assets.js';
import { runDemo } from './demo.js';
import { RecordedLastfm } from './recorded-lastfm.js';

describe('the demo listener as built assets', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('refuses to start without them and says to build, naming what is missing', async () => {
    await writeFile(join(dir, 'federation.json'), '{}');
    await expect(runDemo({ assets: dir })).rejects.toMatchObject({
      code: 'demo_assets_missing',
      message: `The demo's bundled listener is missing from ${dir} (my_spotify_data.zip, lastfm-export.csv, lastfm-answers.json)`,
      suggestion: expect.stringContaining('build'),
    });
  });

  it('reads what the build writes, and answers Last.fm questions from it offline', async () => {
    expect([...DEMO_ASSET_FILES]).toEqual([...WRITTEN]);
    for (const [name, data] of Object.entries(demoAssets())) await writeFile(join(dir, name), data);
    const a = loadDemoAssets(dir);
    expect(a.federation.listeners).toHaveLength(240);
    const client = new RecordedLastfm(a.lastfmAnswers);
    const { artists, tracks } = demoCatalogue();
    const t = tracks[0]!;
    const artist = artists.find((x) => x.name === t.artist)!;
    expect((await lastfm.trackTopTags(client, 'demo', t.artist, t.title))?.map((x) => x.name)).toEqual(artist.tags);
    expect(await lastfm.similarTracks(client, 'demo', t.artist, t.title)).toHaveLength(12);
    expect(await lastfm.trackTopTags(client, 'demo', t.artist, 'No Such Song')).toBeUndefined();
    expect(client.stats.requests).toBe(3);
  });
});
