import { describe, expect, it } from 'vitest';
import { pollEvery } from '../client/secagg-publish.js';
import { pollInterval } from './secagg-rounds.js';

describe('how often waiting nodes ask the hub', () => {
  it('asks about a thousand questions a second of all nodes together, within 200 ms and half a step time', () => {
    expect(pollInterval(5, 4000)).toBe(200);
    expect(pollInterval(241, 3000)).toBe(241);
    expect(pollInterval(10_000, 60_000)).toBe(10_000);
    // Never so slow that a node misses a step that closes after a step time of quiet.
    expect(pollInterval(100_000, 60_000)).toBe(30_000);
    expect(pollInterval(5000, 3000)).toBe(1500);
  });

  it("is the caller's own interval, else the hub's within bounds, else 200 ms", () => {
    expect(pollEvery(50, 10_000)).toBe(50);
    expect(pollEvery(undefined, 10_000)).toBe(10_000);
    expect(pollEvery(undefined, undefined)).toBe(200);
    // A hostile or broken hub can make a node neither hammer it nor fall asleep.
    expect(pollEvery(undefined, 1)).toBe(100);
    expect(pollEvery(undefined, 1e9)).toBe(60_000);
    expect(pollEvery(undefined, '5')).toBe(200);
    expect(pollEvery(undefined, -3)).toBe(200);
  });
});
