import { describe, expect, it } from 'vitest';
import { itemKeyString, normalizeName, vocabIndex, vocabulary } from './vocab.js';
import { listensFromPlays } from './plays.js';

describe('shared vocabulary', () => {
  it('normalizes names so that spellings of one artist meet', () => {
    expect(normalizeName('The Beatles')).toBe('beatles');
    expect(normalizeName('  Björk ')).toBe('bjork');
    expect(normalizeName('Simon & Garfunkel')).toBe(normalizeName('simon and garfunkel'));
    expect(itemKeyString({ kind: 'artist', name: 'The Beatles' })).toBe(itemKeyString({ kind: 'artist', name: 'beatles' }));
    expect(itemKeyString({ kind: 'isrc', value: 'gb-aye-65-00001' })).toBe(itemKeyString({ kind: 'isrc', value: 'GBAYE6500001' }));
  });

  it('versions the item list by its content and refuses a key listed twice', () => {
    const a = vocabulary(['artist:moondog', 'artist:slowdive']);
    expect(a.version).toMatch(/^mxv2-2-[0-9a-f]{16}$/);
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
