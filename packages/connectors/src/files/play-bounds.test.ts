import { describe, expect, it } from 'vitest';
import { implausiblePlay, PLAY_BOUNDS } from './play-bounds.js';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

describe('implausiblePlay', () => {
  it('accepts listens on the bounds and refuses them one millisecond past', () => {
    expect(implausiblePlay(Date.UTC(2000, 0, 1), 0, NOW)).toBeUndefined();
    expect(implausiblePlay(Date.UTC(2000, 0, 1) - 1, 0, NOW)).toBe('played_before_2000');
    expect(implausiblePlay(NOW + DAY, DAY, NOW)).toBeUndefined();
    expect(implausiblePlay(NOW + DAY + 1, 1000, NOW)).toBe('played_in_future');
    expect(implausiblePlay(NOW, DAY + 1, NOW)).toBe('ms_played_over_24h');
    expect(implausiblePlay(NOW, -1, NOW)).toBe('negative_ms_played');
    expect(PLAY_BOUNDS.maxMsPlayed).toBe(DAY);
  });

  it('refuses the values of damaged exports, and a scrobble without ms_played is judged by its time', () => {
    expect(implausiblePlay(Date.UTC(1969, 11, 31), 1000, NOW)).toBe('played_before_2000');
    expect(implausiblePlay(-100_000, undefined, NOW)).toBe('played_before_2000');
    expect(implausiblePlay(4_102_444_800_000, undefined, NOW)).toBe('played_in_future');
    expect(implausiblePlay(NOW, 1e14, NOW)).toBe('ms_played_over_24h');
    expect(implausiblePlay(NOW, -5000, NOW)).toBe('negative_ms_played');
    expect(implausiblePlay(NOW, null, NOW)).toBeUndefined();
  });
});
