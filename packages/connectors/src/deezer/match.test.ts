import { describe, expect, it } from 'vitest';
import { bestMatch, nameSimilarity, type Candidate } from './match.js';

const hit = (id: number, title: string, artist: string, duration: number): Candidate => ({ id, title, duration, artist: { id, name: artist } });

describe('Deezer matching', () => {
  it('compares names with the shared normalizer: "&" is "and", apostrophes join, the first credited artist counts', () => {
    expect(nameSimilarity('Beyoncé & Jay-Z', 'Beyonce and Jay Z')).toBe(1);
    expect(nameSimilarity("Don't Stop Me Now (Remastered 2011)", 'Dont Stop Me Now')).toBe(1);
  });

  it('picks the candidate whose title, credit and duration agree', () => {
    const q = { artist: 'Calvin Harris, Dua Lipa', title: 'One Kiss', durationMs: 214_000 };
    const best = bestMatch(q, [hit(1, 'One Kiss (Live)', 'Some Cover Band', 250), hit(2, 'One Kiss', 'Calvin Harris', 214)], 0.8);
    expect(best?.track.id).toBe(2);
    expect(best?.score).toBe(1);
  });
});
