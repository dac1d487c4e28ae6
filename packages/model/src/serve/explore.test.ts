import { describe, expect, it } from 'vitest';
import { becauseOf, explore, reasonFor, type Candidate } from './explore.js';

const candidates: Candidate[] = [];
for (let i = 0; i < 40; i++) {
  candidates.push({ item: `k${i}`, score: 100 - i, known: true, artist: `a${i % 3}` });
  candidates.push({ item: `n${i}`, score: 50 - i, known: false, artist: `b${i % 5}`, because: { item: 'Slowdive', tag: 'shoegaze' } });
}

describe('exploration re-ranking', () => {
  it('mixes new music near the explore share, and moves with feedback', () => {
    const share = (explorePart: number, stats?: Parameters<typeof explore>[1]['stats']) => {
      let n = 0;
      for (let seed = 1; seed <= 20; seed++) n += explore(candidates, { count: 20, explore: explorePart, maxPerArtist: 100, seed, ...(stats ? { stats } : {}) }).filter((p) => p.arm === 'new').length;
      return n / 400;
    };
    expect(share(0)).toBeLessThan(0.1);
    expect(share(0.2)).toBeGreaterThan(0.1);
    expect(share(0.2)).toBeLessThan(0.4);
    expect(share(0.8)).toBeGreaterThan(0.6);
    const liked = share(0.2, { favourite: { wins: 0, losses: 20 }, new: { wins: 20, losses: 0 } });
    expect(liked).toBeGreaterThan(share(0.2) + 0.2);
  });

  it('caps picks per artist, never repeats an artist back to back, and skips recent items', () => {
    const picks = explore(candidates, { count: 12, explore: 0.3, maxPerArtist: 2, seed: 3, skip: new Set(['k0', 'k1']) });
    expect(picks).toHaveLength(12);
    const per = new Map<string, number>();
    picks.forEach((p, i) => {
      per.set(p.artist!, (per.get(p.artist!) ?? 0) + 1);
      if (i > 0) expect(p.artist).not.toBe(picks[i - 1]!.artist);
    });
    expect(Math.max(...per.values())).toBeLessThanOrEqual(2);
    expect(picks.map((p) => p.item)).not.toContain('k0');
    expect(new Set(picks.map((p) => p.item)).size).toBe(12);
  });

  it('with a strict cap stops short rather than give an artist a third pick', () => {
    // 3 + 5 artists at 2 picks each: 16 picks at most.
    const strict = explore(candidates, { count: 30, explore: 0.3, maxPerArtist: 2, seed: 3, strictArtistCap: true });
    expect(strict).toHaveLength(16);
    const loose = explore(candidates, { count: 30, explore: 0.3, maxPerArtist: 2, seed: 3 });
    expect(loose).toHaveLength(30);
  });

  it('picks at most `max` of the limited items', () => {
    const limited = new Set(candidates.filter((c) => c.known).map((c) => c.item));
    const picks = explore(candidates, { count: 12, explore: 0, maxPerArtist: 100, seed: 4, limited: { items: limited, max: 3 } });
    expect(picks).toHaveLength(12);
    expect(picks.filter((p) => limited.has(p.item)).map((p) => p.item)).toEqual(['k0', 'k1', 'k2']);
    const none = explore(candidates, { count: 5, explore: 0, maxPerArtist: 100, seed: 4, limited: { items: limited, max: 0 } });
    expect(none.every((p) => p.arm === 'new')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(explore(candidates, { count: 10, seed: 9 })).toEqual(explore(candidates, { count: 10, seed: 9 }));
  });

  it('writes short reasons', () => {
    expect(reasonFor({ item: 'x', score: 1, known: false, because: { item: 'Slowdive', tag: 'shoegaze' } })).toBe('new to you: tagged shoegaze like Slowdive');
    expect(reasonFor({ item: 'x', score: 1, known: false, because: { item: 'Slowdive' } })).toBe('because you played Slowdive');
    expect(reasonFor({ item: 'x', score: 1, known: true })).toBe('one of your favourites');
  });

  it('finds the played item most like a candidate', () => {
    const table = Float32Array.from([1, 0, 0, 1, 0.9, 0.1, -1, 0]);
    expect(becauseOf(0, [1, 2, 3], table, 2)).toBe(2);
    expect(becauseOf(1, [0, 3], table, 2)).toBe(0);
  });
});
