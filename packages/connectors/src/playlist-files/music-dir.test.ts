import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flacFile, mp3File } from '@mixtape/fixtures';
import { LibraryMatcher } from '../match/index.js';
import { readTags, scanMusicDir } from './index.js';

describe('music folder read by tags', () => {
  let dir = '';
  let root = '';
  const file = (...p: string[]) => join(root, ...p);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-music-'));
    root = join(dir, 'Music');
    await mkdir(file('Misc'), { recursive: true });
    await mkdir(file('Beyoncé', 'I Am Sasha Fierce'), { recursive: true });
    // File names that lie: only the tags say what the song is.
    await writeFile(file('Misc', 'track01.mp3'), mp3File({ artist: 'Beyoncé', title: 'Halo', album: 'I Am... Sasha Fierce', isrc: 'usSM10804554', mbid: 'AAAAAAAA-0000-4000-8000-000000000001' }, 6));
    await writeFile(file('Misc', 'track02.flac'), flacFile({ artist: 'Sigur Rós', title: 'Hoppípolla', album: 'Takk...', mbid: 'bbbbbbbb-0000-4000-8000-000000000002' }, 268.5));
    await writeFile(file('Misc', 'Adele - Hello.flac'), flacFile({ artist: 'Lionel Richie', title: 'Hello', isrc: 'USMO18400186' }, 251));
    // No tags: named by its file name, and said so.
    await writeFile(file('Misc', '07 - AC-DC - Thunderstruck.mp3'), mp3File(undefined, 4));
    await writeFile(file('Beyoncé', 'I Am Sasha Fierce', '05 Ego.mp3'), mp3File(undefined, 3));
    // Not audio, and a damaged file.
    await writeFile(file('Misc', 'cover.jpg'), 'jpeg');
    await writeFile(file('Misc', 'broken.flac'), 'not audio at all');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads artist, title, album, recording MBID, ISRC and duration from ID3v2 and FLAC tags', async () => {
    expect(await readTags(file('Misc', 'track01.mp3'))).toEqual({ artist: 'Beyoncé', title: 'Halo', album: 'I Am... Sasha Fierce', durationMs: 6008, mbid: 'aaaaaaaa-0000-4000-8000-000000000001', isrc: ['USSM10804554'] });
    expect(await readTags(file('Misc', 'track02.flac'))).toEqual({ artist: 'Sigur Rós', title: 'Hoppípolla', album: 'Takk...', durationMs: 268_500, mbid: 'bbbbbbbb-0000-4000-8000-000000000002' });
  });

  it('names files by tags, by file name only without tags, and matches by the tags', async () => {
    const scan = await scanMusicDir(root);
    expect(scan).toMatchObject({ files: 6, from_tags: 3, from_file_names: 3, cached: 0, unreadable: 1 });
    const byPath = Object.fromEntries(scan.songs.map((s) => [s.path.slice(root.length + 1), { artist: s.artist, title: s.title, names: s.names }]));
    expect(byPath).toEqual({
      'Beyoncé/I Am Sasha Fierce/05 Ego.mp3': { artist: 'Beyoncé', title: 'Ego', names: 'file-name' },
      'Misc/07 - AC-DC - Thunderstruck.mp3': { artist: 'AC-DC', title: 'Thunderstruck', names: 'file-name' },
      'Misc/Adele - Hello.flac': { artist: 'Lionel Richie', title: 'Hello', names: 'tags' },
      'Misc/broken.flac': { artist: 'Misc', title: 'broken', names: 'file-name' },
      'Misc/track01.mp3': { artist: 'Beyoncé', title: 'Halo', names: 'tags' },
      'Misc/track02.flac': { artist: 'Sigur Rós', title: 'Hoppípolla', names: 'tags' },
    });
    const m = new LibraryMatcher(scan.songs);
    const where = (t: Parameters<typeof m.match>[0]) => { const r = m.match(t); return r.matched ? `${r.candidate.path.slice(root.length + 1)} ${r.tier}` : r.reason; };
    expect(where({ artist: 'Beyonce', title: 'Halo (Remastered)', durationMs: 261_000, mbid: 'aaaaaaaa-0000-4000-8000-000000000001' })).toBe('Misc/track01.mp3 mbid');
    expect(where({ artist: 'Someone', title: 'Else', isrc: 'USMO18400186' })).toBe('Misc/Adele - Hello.flac isrc');
    expect(where({ artist: 'Sigur Ros', title: 'Hoppipolla', durationMs: 260_000 })).toBe('Misc/track02.flac exact');
    // The file name says Adele; the tags say Lionel Richie, and the tags win.
    expect(where({ artist: 'Adele', title: 'Hello', durationMs: 251_000 })).toBe('no_artist');
    expect(where({ artist: 'AC/DC', title: 'Thunderstruck', durationMs: 292_000 })).toBe('duration_off');
    expect(where({ artist: 'AC/DC', title: 'Thunderstruck' })).toBe('Misc/07 - AC-DC - Thunderstruck.mp3 exact');
  });

  it('caches tags by path, size and modification time, and rereads changed files', async () => {
    const cacheFile = join(dir, 'cache', 'tags.json');
    const first = await scanMusicDir(root, { cacheFile });
    expect(first).toMatchObject({ files: 6, cached: 0 });
    const again = await scanMusicDir(root, { cacheFile });
    expect(again).toMatchObject({ files: 6, cached: 6, from_tags: 3, unreadable: 1 });
    expect(again.songs).toEqual(first.songs);
    await writeFile(file('Misc', 'track02.flac'), flacFile({ artist: 'Sigur Rós', title: 'Sæglópur', mbid: 'cccccccc-0000-4000-8000-000000000003' }, 490));
    const later = new Date(Date.now() + 5000);
    await utimes(file('Misc', 'track02.flac'), later, later);
    const changed = await scanMusicDir(root, { cacheFile });
    expect(changed.cached).toBe(5);
    expect(changed.songs.find((s) => s.path.endsWith('track02.flac'))).toMatchObject({ title: 'Sæglópur', durationMs: 490_000, mbid: 'cccccccc-0000-4000-8000-000000000003' });
  });
});
