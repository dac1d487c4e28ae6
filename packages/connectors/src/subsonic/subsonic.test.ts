import { afterEach, describe, expect, it } from 'vitest';
import { FakeSubsonic, type FakeSong } from '../../../../fixtures/src/servers/subsonic.js';
import type { HttpEvent } from '../http/client.js';
import { LibraryMatcher } from '../match/index.js';
import { loadLibrary, loadLibraryByAlbum, searchSongs, songCandidate, SubsonicClient, SubsonicPlaylists, subsonicToken } from './index.js';

const songs: FakeSong[] = [
  { id: 's1', title: 'Halo', artist: 'Beyoncé', album: 'I Am… Sasha Fierce', duration: 261, musicBrainzId: 'AAAAAAAA-0000-4000-8000-000000000001' },
  { id: 's2', title: 'Halo (Remastered 2011)', artist: 'Beyonce', album: 'Live', duration: 262 },
  { id: 's3', title: 'Come Together - 2009 Remaster', artist: 'The Beatles', album: 'Abbey Road', duration: 259, isrc: ['GBAYE0601690'] },
  { id: 's4', title: 'Hello', artist: 'Adele', album: '25', duration: 295 },
  { id: 's5', title: 'Something', artist: 'The Beatles', album: 'Abbey Road', duration: 182 },
];

let server: FakeSubsonic | undefined;
afterEach(async () => server?.stop());

async function start(o: ConstructorParameters<typeof FakeSubsonic>[0] = {}): Promise<{ client: SubsonicClient; events: HttpEvent[] }> {
  server = new FakeSubsonic({ songs, ...o });
  await server.start();
  const events: HttpEvent[] = [];
  const client = new SubsonicClient({ url: server.url, user: 'admin', password: 'sesame' }, { onEvent: (e) => events.push(e), env: { MIXTAPE_SUBSONIC_RATE: '1000/1s' } });
  return { client, events };
}

describe('Subsonic client', () => {
  it('authenticates with token and salt: a fresh salt per request, the password never sent or logged', async () => {
    // md5('sesame' + 'c19b2d'), as the Subsonic API defines t.
    expect(subsonicToken('sesame', 'c19b2d')).toBe('26719a1196d2a940705a59634eb18eab');
    const { client, events } = await start();
    await client.call('ping');
    await client.call('ping');
    expect(new Set(server!.salts).size).toBe(2);
    expect(server!.seen.every((r) => !r.query.has('p') && ![...r.query.values()].includes('sesame'))).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.url).not.toContain('sesame');
      expect(e.url).toMatch(/[?&]t=\*\*\*/);
    }
  });

  it('says which user was refused on a wrong password', async () => {
    await start({ password: 'other' });
    const client = new SubsonicClient({ url: server!.url, user: 'admin', password: 'sesame' }, { env: {} });
    await expect(client.call('ping')).rejects.toMatchObject({ code: 'subsonic_auth_failed' });
    await expect(client.call('ping')).rejects.not.toThrow(/sesame/);
  });

  it('reads XML answers from servers that ignore f=json', async () => {
    const { client } = await start({ xmlOnly: true });
    const lib = await loadLibrary(client);
    expect(lib.map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(lib[0]).toMatchObject({ title: 'Halo', artist: 'Beyoncé', duration: 261, musicBrainzId: 'aaaaaaaa-0000-4000-8000-000000000001' });
    const pl = new SubsonicPlaylists(client);
    const id = await pl.create('Mix & "match"');
    await pl.append(id, ['s4', 's5']);
    expect(await pl.count(id)).toBe(2);
    expect(await pl.songIds(id)).toEqual(['s4', 's5']);
    expect(await pl.count('nope')).toBeUndefined();
  });
});

describe('matching in the library', () => {
  it('uses the MBID, then ISRC, then normalized artist, title and duration, with a threshold', async () => {
    const { client } = await start();
    const index = new LibraryMatcher((await loadLibrary(client)).map(songCandidate));
    const hit = (t: Parameters<typeof index.match>[0]) => { const m = index.match(t); return m.matched ? `${m.candidate.id}:${m.tier}` : m.reason; };
    expect(hit({ trackId: 'a', title: 'Anything', artist: 'X', mbid: 'aaaaaaaa-0000-4000-8000-000000000001' })).toBe('s1:mbid');
    expect(hit({ trackId: 'b', title: 'Come Together', artist: 'Beatles', isrc: 'gbaye0601690' })).toBe('s3:isrc');
    expect(hit({ trackId: 'c', title: 'Come Together (Remastered)', artist: 'The Beatles', durationMs: 259_000 })).toBe('s3:exact');
    // Two "Halo"s by the same artist: the closer duration wins.
    expect(hit({ trackId: 'd', title: 'Halo', artist: 'Beyonce', durationMs: 262_200 })).toBe('s2:exact');
    expect(hit({ trackId: 'e', title: 'Somethin', artist: 'The Beatles', durationMs: 182_000 })).toBe('s5:fuzzy');
    expect(hit({ trackId: 'f', title: 'Yesterday', artist: 'The Beatles', durationMs: 125_000 })).toBe('title_differs');
    expect(hit({ trackId: 'g', title: 'Hello', artist: 'Lionel Richie' })).toBe('no_artist');
  });

  it('lists album by album where an empty query lists nothing', async () => {
    const { client } = await start({ emptyQueryListsAll: false, xmlOnly: true });
    expect(await loadLibrary(client)).toEqual([]);
    const lib = await loadLibraryByAlbum(client);
    expect(lib.map((s) => s.id).sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(server!.count(/getAlbum$/)).toBe(4);
  });

  it('searches track by track where nothing lists the library', async () => {
    const { client } = await start({ emptyQueryListsAll: false, albumListing: false });
    expect(await loadLibrary(client)).toEqual([]);
    await expect(loadLibraryByAlbum(client)).rejects.toMatchObject({ code: 'subsonic_error' });
    const found = await searchSongs(client, { trackId: 'x', artist: 'Adele', title: 'Hello' });
    expect(found.map((s) => s.id)).toEqual(['s4']);
  });
});
