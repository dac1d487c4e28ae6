import { describe, expect, it } from 'vitest';
import { normalizeName, rowOf, vocabulary } from './vocab.js';
import { interactionsFromPlays } from './plays.js';
import { clipUpdate, localUpdate, updateNorm, confidence } from './trainer.js';
import { initialTable } from './table.js';

describe('shared vocabulary', () => {
  it('normalizes names so that spellings of one artist meet', () => {
    expect(normalizeName('The Beatles')).toBe('beatles');
    expect(normalizeName('  Björk ')).toBe('bjork');
    expect(normalizeName('Simon & Garfunkel')).toBe(normalizeName('simon and garfunkel'));
    const v = vocabulary(1 << 15);
    expect(rowOf(v, { kind: 'artist', name: 'The Beatles' })).toBe(rowOf(v, { kind: 'artist', name: 'beatles' }));
    expect(rowOf(v, { kind: 'isrc', value: 'gb-aye-65-00001' })).toBe(rowOf(v, { kind: 'isrc', value: 'GBAYE6500001' }));
    expect(rowOf(v, { kind: 'artist', name: 'Radiohead' })).not.toBe(rowOf(v, { kind: 'artist', name: 'Portishead' }));
  });

  it('versions the table by scheme and size', () => {
    expect(vocabulary(4096).version).toBe('mxv1-4096');
    expect(() => vocabulary(0)).toThrow(RangeError);
  });

  it('maps plays to rows and the local update stays inside the clip bound', () => {
    const v = vocabulary(512);
    const x = interactionsFromPlays(v, [
      { artist: 'Moondog', title: 'Bird', plays: 10 },
      { artist: 'Moondog', title: 'Lament', isrc: 'USAB10000001', plays: 3 },
    ]);
    expect(x.rows.length).toBe(3); // two tracks and one artist
    expect(Math.hypot(...x.weights)).toBeCloseTo(1, 6);
    const u = localUpdate(initialTable(512, 8, 1), 512, 8, x);
    expect(updateNorm(u)).toBeCloseTo(Math.SQRT2, 5);
    clipUpdate(u, 1);
    expect(updateNorm(u)).toBeCloseTo(1, 5);
    expect(confidence([0, 0]).every((w) => w === 0)).toBe(true);
  });
});
