import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip, withBadCrc } from '@mixtape/fixtures';
import { classifyExportFile, openExport, sniffExportFile } from './export-files.js';

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

  it('refuses an entry whose CRC-32 does not match, naming it, whether copied or read', async () => {
    const zipPath = join(dir, 'crc.zip');
    const history = Buffer.from('[{"endTime":"2024-01-01 10:00","artistName":"A","trackName":"B","msPlayed":1}]');
    await writeFile(zipPath, withBadCrc(makeZip([{ name: 'Spotify Account Data/StreamingHistory_music_0.json', data: history }])));
    const src = await openExport(zipPath);
    const err = { code: 'bad_crc', message: expect.stringMatching(/^crc\.zip: Spotify Account Data\/StreamingHistory_music_0\.json is damaged \(CRC-32 /) };
    await expect(src.entries[0]!.copyTo(join(dir, 'out.json'))).rejects.toMatchObject(err);
    await expect(src.entries[0]!.read()).rejects.toMatchObject(err);
    await src.close();
    await writeFile(zipPath, makeZip([{ name: 'StreamingHistory_music_0.json', data: history }]));
    const good = await openExport(zipPath);
    expect((await good.entries[0]!.read()).equals(history)).toBe(true);
    await good.close();
  });

  it('copies an entry into a new file only its owner can read', async () => {
    const zipPath = join(dir, 'my_spotify_data.zip');
    await writeFile(zipPath, makeZip([{ name: 'StreamingHistory_music_0.json', data: Buffer.from('[]') }]));
    const src = await openExport(zipPath);
    const dest = join(dir, 'copy.json');
    await src.entries[0]!.copyTo(dest);
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    expect(await readFile(dest, 'utf8')).toBe('[]');
    // An existing file is never written through (it could be a link planted in the temp folder).
    await expect(src.entries[0]!.copyTo(dest)).rejects.toMatchObject({ code: 'EEXIST' });
    await src.close();
  });

  it('recognizes a renamed history behind a BOM and more padding than it reads at once', async () => {
    const path = join(dir, 'history.json');
    await writeFile(path, `\uFEFF${' \n'.repeat(50_000)}[{"ts":"2024-01-01T10:00:00Z","ms_played":1}]`);
    expect(await sniffExportFile(path)).toBe('extended-history');
  });

  it('names a missing path', async () => {
    await expect(openExport(join(dir, 'nope.zip'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
