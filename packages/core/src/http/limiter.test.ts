import { describe, expect, it } from 'vitest';
import { LimiterRegistry, ServiceLimiter, type Clock, type Slot } from './limiter.js';

/** A clock that only moves when told to, or when someone sleeps on it: no test waits for real. */
function fakeClock(): Clock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const limiter = (count: number, perMs: number, extra: { concurrency?: number; quietMs?: number; recoverStep?: number } = {}) => {
  const clock = fakeClock();
  return { clock, l: new ServiceLimiter({ rate: { count, perMs }, concurrency: extra.concurrency ?? 100, safetyMs: 0, clock, ...extra }) };
};

const slotOf = (a: ReturnType<ServiceLimiter['admit']>): Slot => {
  if (!('slot' in a)) throw new Error(`not admitted: ${JSON.stringify(a)}`);
  return a.slot;
};

describe('ServiceLimiter window and concurrency', () => {
  it('admits the rate per window, then waits until the answered requests leave the window', () => {
    const { clock, l } = limiter(3, 1000);
    const slots = [0, 1, 2].map(() => slotOf(l.admit()));
    // Three in flight: nothing is known until one comes back.
    expect(l.admit()).toEqual({ wait: undefined });
    clock.t = 100;
    for (const s of slots) l.release(s);
    expect(l.admit()).toEqual({ wait: 1000 });
    clock.t = 1100;
    expect('slot' in l.admit()).toBe(true);
  });

  it('caps the requests in flight and lets the next one go when an answer comes back', async () => {
    const { clock, l } = limiter(100, 1000, { concurrency: 2 });
    const a = await l.acquire();
    await l.acquire();
    let third: Slot | undefined;
    const pending = l.acquire().then((x) => (third = x.slot));
    await Promise.resolve();
    expect(third).toBeUndefined();
    l.release(a.slot);
    await pending;
    expect(third).toMatchObject({ start: clock.t });
  });

  it('holds every request during a pause, never shortens one, and reports the time waited', async () => {
    const { clock, l } = limiter(100, 1000);
    l.pauseUntil(5000);
    l.pauseUntil(2000);
    expect(l.admit()).toEqual({ wait: 5000 });
    const got = await l.acquire();
    expect(got.waitedMs).toBe(5000);
    expect(clock.slept).toEqual([5000]);
  });
});

describe('ServiceLimiter adaptive rate', () => {
  it('halves the rate after a 429 when the window shows nothing better, once per round of requests', () => {
    const { clock, l } = limiter(100, 1000);
    const early = slotOf(l.admit());
    const early2 = slotOf(l.admit());
    clock.t = 10;
    l.backOff(early);
    expect(l.rate().count).toBe(50);
    // Sent before the back-off, at the old rate: its 429 says nothing new.
    l.backOff(early2);
    expect(l.rate().count).toBe(50);
    clock.t = 20;
    l.backOff(slotOf(l.admit()));
    expect(l.rate().count).toBe(25);
  });

  it('stays just under what the server let through in its window', () => {
    const { clock, l } = limiter(30, 1000);
    const slots = Array.from({ length: 25 }, () => slotOf(l.admit()));
    clock.t = 50;
    l.backOff(slots[24]!);
    // 25 went out in the window and the 25th was refused: about 23 are allowed.
    expect(l.rate().count).toBe(23);
  });

  it('climbs back in big steps after an unexplained 429, never above the configured rate', () => {
    const { clock, l } = limiter(100, 1000, { quietMs: 2000, recoverStep: 10 });
    l.backOff({ start: 0, end: 0 });
    // A request that left after that back-off and was refused too.
    l.backOff({ start: 0.5, end: 0.5 });
    expect(l.rate().count).toBe(25);
    clock.t = 1999;
    expect(l.rate().count).toBe(25);
    clock.t = 2000;
    expect(l.rate().count).toBe(35);
    clock.t = 5000;
    expect(l.rate().count).toBe(45);
    // Back to the 50 it had before the second 429 fast, then one request per quiet period.
    clock.t = 6000;
    expect(l.rate().count).toBe(50);
    clock.t = 8000;
    expect(l.rate().count).toBe(51);
    clock.t = 1_000_000;
    expect(l.rate()).toEqual({ count: 100, perMs: 1000 });
  });

  it('probes above a limit the server showed one request at a time', () => {
    const { clock, l } = limiter(30, 1000, { quietMs: 2000, recoverStep: 5 });
    const slots = Array.from({ length: 25 }, () => slotOf(l.admit()));
    clock.t = 50;
    l.backOff(slots[24]!);
    expect(l.rate().count).toBe(23);
    clock.t = 2050;
    expect(l.rate().count).toBe(24);
    clock.t = 6050;
    expect(l.rate().count).toBe(26);
  });

  it('never goes below one request per window', () => {
    const { clock, l } = limiter(2, 1000);
    for (let i = 1; i <= 4; i++) {
      clock.t = i;
      l.backOff({ start: i, end: i });
    }
    expect(l.rate().count).toBe(1);
  });
});

describe('LimiterRegistry', () => {
  it('gives every client of a service at one origin the same limiter, and other origins their own', () => {
    const r = new LimiterRegistry();
    const o = { rate: { count: 5, perMs: 1000 }, concurrency: 1 };
    const reads = r.for('Spotify', 'https://api.spotify.com/v1', o);
    const writes = r.for('Spotify', 'https://api.spotify.com/v1/', { ...o, rate: { count: 50, perMs: 1000 } });
    expect(writes).toBe(reads);
    expect(writes.rate().count).toBe(5);
    expect(r.for('Spotify', 'http://127.0.0.1:9999/v1', o)).not.toBe(reads);
    expect(r.for('Deezer', 'https://api.spotify.com', o)).not.toBe(reads);
  });
});
