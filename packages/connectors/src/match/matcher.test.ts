import { artistKeys, titleParts } from '@mixtape/core';
import { describe, expect, it } from 'vitest';
import { LibraryMatcher, parseOverrides, type LibraryCandidate, type MatchOutcome } from './index.js';

const LIB: LibraryCandidate[] = [
  { id: 'halo', artist: 'Beyoncé', title: 'Halo', album: 'I Am... Sasha Fierce', durationMs: 261_000, mbid: 'AAAAAAAA-0000-4000-8000-000000000001' },
  { id: 'come', artist: 'The Beatles', title: 'Come Together - Remastered 2009', durationMs: 259_000, isrc: ['GBAYE0601690'] },
  { id: 'come-live', artist: 'The Beatles', title: 'Come Together (Live)', durationMs: 262_000 },
  { id: 'something', artist: 'The Beatles', title: 'Something', durationMs: 182_000 },
  { id: 'hello-adele', artist: 'Adele', title: 'Hello', durationMs: 295_000 },
  { id: 'hello-richie', artist: 'Lionel Richie', title: 'Hello', durationMs: 251_000 },
  { id: 'hoppi', artist: 'Sigur Rós', title: 'Hoppípolla', durationMs: 268_000 },
  { id: 'crazy', artist: 'Beyoncé', title: 'Crazy in Love (feat. Jay-Z)', durationMs: 236_000 },
  { id: 'bohemian', artist: 'Queen', title: 'Bohemian Rhapsody', durationMs: 354_000 },
  { id: 'reaper', artist: 'Blue Öyster Cult', title: "(Don't Fear) The Reaper", durationMs: 308_000 },
  // Two different songs with one title by one artist, equally long: a tie that must be refused.
  { id: 'intro-a', artist: 'Muse', title: 'Intro', durationMs: 60_000, album: 'Absolution' },
  { id: 'intro-b', artist: 'Muse', title: 'Intro', durationMs: 61_500, album: 'Black Holes' },
  // One recording on an album and a compilation: copies, not a tie.
  { id: 'yellow-1', artist: 'Coldplay', title: 'Yellow', durationMs: 269_000, album: 'Parachutes' },
  { id: 'yellow-2', artist: 'Coldplay', title: 'Yellow', durationMs: 269_200, album: 'Greatest' },
];

const m = new LibraryMatcher(LIB);
const id = (o: MatchOutcome) => (o.matched ? `${o.candidate.id}:${o.tier}` : `- ${o.reason}`);

describe('the name normalizer for matching', () => {
  it('splits titles into the song and the notes that make another recording', () => {
    expect(titleParts('Come Together - Remastered 2009')).toEqual({ base: 'come together', version: '' });
    expect(titleParts('Come Together (Live) - 2019 Remaster')).toEqual({ base: 'come together', version: 'live' });
    expect(titleParts('Crazy in Love (feat. Jay-Z)')).toEqual({ base: 'crazy in love', version: '' });
    expect(titleParts('Strobe - Original Mix')).toEqual({ base: 'strobe', version: '' });
    expect(titleParts('Strobe (Club Mix)')).toEqual({ base: 'strobe', version: 'remix' });
    expect(titleParts('Layla - Acoustic; Live at MTV Unplugged')).toEqual({ base: 'layla', version: 'acoustic live unplugged' });
    expect(titleParts("(Don't Fear) The Reaper")).toEqual({ base: 'dont fear the reaper', version: '' });
    expect(titleParts('Hoppípolla [Deluxe Edition]')).toEqual({ base: 'hoppipolla', version: '' });
  });

  it('keys artist credits by the whole credit, the first artist and the first of a pair', () => {
    expect(artistKeys('Beyoncé feat. Jay-Z')).toEqual(['beyonce feat jay z', 'beyonce']);
    expect(artistKeys('Simon & Garfunkel')).toEqual(['simon and garfunkel', 'simon']);
    expect(artistKeys('The Beatles')).toEqual(['beatles']);
  });
});

describe('LibraryMatcher tiers', () => {
  it('matches by recording MBID first, whatever the names say', () => {
    expect(id(m.match({ artist: 'X', title: 'Anything', mbid: 'aaaaaaaa-0000-4000-8000-000000000001' }))).toBe('halo:mbid');
  });

  it('matches by ISRC next', () => {
    expect(id(m.match({ artist: 'Nobody', title: 'Nothing', isrc: 'gbaye0601690' }))).toBe('come:isrc');
  });

  it('matches normalized artist and title: accents, "The", remaster notes, feat. credits', () => {
    expect(id(m.match({ artist: 'Beatles', title: 'Come Together', durationMs: 259_500 }))).toBe('come:exact');
    expect(id(m.match({ artist: 'Sigur Ros', title: 'HOPPIPOLLA', durationMs: 268_000 }))).toBe('hoppi:exact');
    expect(id(m.match({ artist: 'Beyonce feat. JAY Z', title: 'Crazy In Love', durationMs: 236_000 }))).toBe('crazy:exact');
    expect(id(m.match({ artist: 'Blue Oyster Cult', title: 'Dont Fear the Reaper', durationMs: 308_000 }))).toBe('reaper:exact');
  });

  it('keeps to ±10 s: 10 s off matches, 11 s off does not, and says by how much', () => {
    const ok = m.match({ artist: 'Queen', title: 'Bohemian Rhapsody', durationMs: 364_000 });
    expect(ok).toMatchObject({ matched: true, tier: 'exact', durationOffS: 10 });
    const off = m.match({ artist: 'Queen', title: 'Bohemian Rhapsody', durationMs: 365_000 });
    expect(off).toMatchObject({ matched: false, reason: 'duration_off', detail: 'duration off by 11 s: the library has "Queen - Bohemian Rhapsody (5:54)", the track lasts 6:05' });
  });

  it('matches unknown durations by names alone', () => {
    expect(id(m.match({ artist: 'Queen', title: 'Bohemian Rhapsody' }))).toBe('bohemian:exact');
  });

  it('matches close spellings last, as fuzzy', () => {
    const o = m.match({ artist: 'Queen', title: 'Bohemian Rapsody', durationMs: 355_000 });
    expect(o).toMatchObject({ matched: true, tier: 'fuzzy', score: 0.965 }); // title 1 - 1/17 edit, artist equal: 0.6 × 0.941 + 0.4
    expect(id(m.match({ artist: 'Beyonse', title: 'Halo', durationMs: 262_000 }))).toBe('halo:fuzzy');
  });
});

describe('LibraryMatcher refuses decoys and ties', () => {
  it('does not take the same title by another artist', () => {
    expect(id(m.match({ artist: 'Lionel Richie', title: 'Hello', durationMs: 295_000 }))).toBe('- duration_off');
    expect(id(m.match({ artist: 'Adele', title: 'Hello', durationMs: 295_000 }))).toBe('hello-adele:exact');
    expect(m.match({ artist: 'Evanescence', title: 'Hello', durationMs: 220_000 })).toMatchObject({ matched: false, reason: 'no_artist', detail: 'no song by "evanescence" in the library' });
  });

  it('takes the studio recording over the live one, and never a live one for a studio track', () => {
    expect(id(m.match({ artist: 'The Beatles', title: 'Come Together', durationMs: 261_000 }))).toBe('come:exact');
    expect(id(m.match({ artist: 'The Beatles', title: 'Come Together - Live', durationMs: 261_000 }))).toBe('come-live:exact');
    expect(m.match({ artist: 'The Beatles', title: 'Something (Live)', durationMs: 182_000 })).toMatchObject({ matched: false, reason: 'version_differs', detail: 'the library has "The Beatles - Something (3:02)" but not a live version' });
  });

  it('refuses two different songs equally good, and prefers the closer duration when one is', () => {
    const tie = m.match({ artist: 'Muse', title: 'Intro', durationMs: 60_750 });
    expect(tie).toMatchObject({ matched: false, reason: 'ambiguous', detail: 'ambiguous between "Muse - Intro (1:00)" and "Muse - Intro (1:02)"' });
    expect(tie.matched ? [] : tie.candidates?.map((c) => c.id)).toEqual(['intro-a', 'intro-b']);
    expect(id(m.match({ artist: 'Muse', title: 'Intro', durationMs: 62_000 }))).toBe('intro-b:exact');
    expect(id(m.match({ artist: 'Muse', title: 'Intro', durationMs: 60_750, album: 'Black Holes' }))).toBe('intro-b:exact');
  });

  it('takes one copy of a recording found twice', () => {
    expect(id(m.match({ artist: 'Coldplay', title: 'Yellow', durationMs: 269_100 }))).toBe('yellow-1:exact');
  });

  it('says which title is nearest when the artist has no such song', () => {
    expect(m.match({ artist: 'Beatles', title: 'Yesterday', durationMs: 125_000 })).toMatchObject({ matched: false, reason: 'title_differs', detail: '3 songs by that artist, none titled like "yesterday" (nearest: "The Beatles - Come Together - Remastered 2009 (4:19)")' });
    expect(m.match({ title: 'Yesterday' })).toMatchObject({ matched: false, reason: 'no_names' });
  });
});

describe('match overrides', () => {
  const overrides = parseOverrides(JSON.stringify([
    { track: 'spotify:track:hello', to: 'hello-richie' },
    { artist: 'Beyonce', title: 'Halo (Remastered)', to: 'none' },
    { artist: 'Queen', title: 'Bohemian Rhapsody', to: 'gone' },
    { artist: 'Muse', title: 'Intro', to: 'intro-a', target: 'subsonic' },
  ]));
  const om = new LibraryMatcher(LIB, { overrides, target: 'jellyfin' });

  it('apply before every tier, by track id or by artist and title, "none" never matching', () => {
    expect(id(om.match({ trackId: 'spotify:track:hello', artist: 'Adele', title: 'Hello', durationMs: 295_000 }))).toBe('hello-richie:override');
    expect(om.match({ artist: 'Beyoncé', title: 'Halo', mbid: 'aaaaaaaa-0000-4000-8000-000000000001' })).toMatchObject({ matched: false, reason: 'override_none' });
    expect(om.match({ artist: 'Queen', title: 'Bohemian Rhapsody' })).toMatchObject({ matched: false, reason: 'override_missing', detail: 'the overrides file points at "gone", which the library does not have' });
  });

  it('scoped to one target apply to that target only', () => {
    expect(id(om.match({ artist: 'Muse', title: 'Intro', durationMs: 60_750 }))).toBe('- ambiguous');
    expect(id(new LibraryMatcher(LIB, { overrides, target: 'subsonic' }).match({ artist: 'Muse', title: 'Intro', durationMs: 60_750 }))).toBe('intro-a:override');
  });

  it('are refused with the entry named when malformed', () => {
    expect(() => parseOverrides('{"overrides": [{"artist": "A", "to": "x"}]}', 'o.json')).toThrow(/o.json, entry 1 names no track/);
    expect(() => parseOverrides('[{"track": "t"}]', 'o.json')).toThrow(/entry 1 has no "to"/);
    expect(() => parseOverrides('[', 'o.json')).toThrow(expect.objectContaining({ code: 'bad_match_overrides' }));
  });
});
