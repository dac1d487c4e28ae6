import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip } from '@mixtape/fixtures';
import { classifyExportFile, openExport } from './export-files.js';

describe('export files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('classifies every naming Spotify has used', () => {
    expect(classifyExportFile('MyData/StreamingHistory0.json')).toBe('account-history');
    expect(classifyExportFile('Spotify Account Data/StreamingHistory_music_1.json')).toBe('account-history');
    expect(classifyExportFile('StreamingHistory_podcast_0.json')).toBe('account-podcast');
    expect(classifyExportFile('Spotify Extended Streaming History/Streaming_History_Audio_2023-2024_3.json')).toBe('extended-history');
    expect(classifyExportFile('Streaming_History_Video_2024.json')).toBe('extended-history');
    expect(classifyExportFile('endsong_12.json')).toBe('endsong');
    expect(classifyExportFile('YourLibrary.json')).toBe('library');
    expect(classifyExportFile('Playlist1.json')).toBe('playlists');
    expect(classifyExportFile('Userdata.json')).toBeUndefined();
  });

  it('reads entries straight from a zip whose folders have spaces', async () => {
    const zipPath = join(dir, 'my_spotify_data.zip');
    await writeFile(zipPath, makeZip([
      { name: 'Spotify Account Data/StreamingHistory_music_0.json', data: Buffer.from('[]') },
      { name: 'Spotify Account Data/Identity.json', data: Buffer.from('{}') },
    ]));
    const src = await openExport(zipPath);
    expect(src.kind).toBe('zip');
    expect(src.entries.map((e) => [e.displayName, e.kind])).toEqual([['my_spotify_data.zip:Spotify Account Data/StreamingHistory_music_0.json', 'account-history']]);
    expect(src.skipped).toEqual(['Spotify Account Data/Identity.json']);
    expect((await src.entries[0]!.read()).toString()).toBe('[]');
    await src.close();
  });

  it('refuses a truncated zip with bad_zip', async () => {
    const zip = makeZip([{ name: 'a/StreamingHistory0.json', data: Buffer.from('[' + '{"a":1},'.repeat(500) + '{"a":1}]') }]);
    const zipPath = join(dir, 'cut.zip');
    await writeFile(zipPath, zip.subarray(0, Math.floor(zip.length * 0.6)));
    await expect(openExport(zipPath)).rejects.toMatchObject({ code: 'bad_zip' });
  });

  it('names a missing path', async () => {
    await expect(openExport(join(dir, 'nope.zip'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
