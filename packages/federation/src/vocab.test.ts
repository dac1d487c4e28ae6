import { describe, expect, it } from 'vitest';
import { itemKeyString, normalizeName, VOCAB_SCHEME, vocabIndex, vocabulary } from './vocab.js';
import { listensFromPlays } from './plays.js';

describe('shared vocabulary', () => {
  it('normalizes names so that spellings of one artist meet', () => {
    expect(normalizeName('The Beatles')).toBe('beatles');
    expect(normalizeName('  Björk ')).toBe('bjork');
    expect(normalizeName('Simon & Garfunkel')).toBe(normalizeName('simon and garfunkel'));
    expect(itemKeyString({ kind: 'artist', name: 'The Beatles' })).toBe(itemKeyString({ kind: 'artist', name: 'beatles' }));
    expect(normalizeName("Guns N' Roses")).toBe(normalizeName('Guns N’ Roses'));
    expect(itemKeyString({ kind: 'isrc', value: 'gb-aye-65-00001' })).toBe(itemKeyString({ kind: 'isrc', value: 'GBAYE6500001' }));
  });

  it('keeps the keys of the current scheme: a change of normalizer needs a new VOCAB_SCHEME', () => {
    // Nodes and hubs of one scheme must key names alike; if this fails, bump VOCAB_SCHEME.
    expect(VOCAB_SCHEME).toBe('mxv3');
    const names = ['The Beatles', "Guns N' Roses", 'Sigur Rós', 'AC/DC', 'Simon & Garfunkel', 'ΟΔΟΣ', 'Пси(Х)еЯ', 'ＭＡＮＮＥＱＵＩＮ'];
    expect(names.map((name) => itemKeyString({ kind: 'artist', name }))).toEqual([
      'artist:beatles', 'artist:guns n roses', 'artist:sigur ros', 'artist:ac dc', 'artist:simon and garfunkel', 'artist:οδοσ', 'artist:пси х ея', 'artist:ｍａｎｎｅｑｕｉｎ',
    ]);
    expect(itemKeyString({ kind: 'track', artist: 'Beyoncé', title: "Don't Hurt Yourself" })).toBe('track:beyonce\u0000dont hurt yourself');
  });

  it('versions the item list by its content and refuses a key listed twice', () => {
    const a = vocabulary(['artist:moondog', 'artist:slowdive']);
    expect(a.version).toMatch(/^mxv3-2-[0-9a-f]{16}$/);
    expect(vocabulary(['artist:slowdive', 'artist:moondog']).version).not.toBe(a.version);
    expect(a.names).toEqual(['moondog', 'slowdive']);
    expect(() => vocabulary(['artist:x', 'artist:x'])).toThrow(RangeError);
  });

  it('maps plays to the items it lists: every key of a track the vocabulary has, real ids, no hashing', () => {
    const v = vocabulary(['artist:moondog', 'isrc:USAB10000001', 'artist:slowdive']);
    const x = listensFromPlays(vocabIndex(v), [
      { artist: 'Moondog', title: 'Bird', plays: 10 },
      { artist: 'Moondog', title: 'Lament', isrc: 'USAB10000001', plays: 3 },
      { artist: 'Unknown Band', title: 'Song', plays: 99 },
      { artist: 'Slowdive', title: 'Alison', plays: 0 },
    ]);
    expect(Array.from(x.items)).toEqual([0, 1]);
    expect(Array.from(x.plays)).toEqual([13, 3]);
  });
});
