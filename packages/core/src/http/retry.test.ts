import { describe, expect, it } from 'vitest';
import { seededRandom } from '../rng.js';
import { decideRetry, parseRetryAfter, rateLimitResetMs, windowUsedUpMs, type Outcome, type RetryPolicy } from './retry.js';
import { parseRate, rateFromEnv } from './rate.js';

const policy: RetryPolicy = {
  service: 'Deezer',
  maxAttempts: 4,
  baseBackoffMs: 100,
  maxBackoffMs: 1000,
  defaultRetryAfterMs: 5000,
  random: () => 0,
  inspectBody: (_s, body) => ((body as { error?: { code?: number } })?.error?.code === 4 ? 'rate_limited' : 'ok'),
};
const res = (status: number, body: unknown = {}, headers: Record<string, string> = {}): Outcome => ({ kind: 'response', status, headers, body });

describe('decideRetry', () => {
  it('accepts a 200', () => {
    expect(decideRetry(res(200), 1, policy)).toMatchObject({ retry: false, done: 'ok' });
  });
  it('honours Retry-After on 429 and pauses every request', () => {
    expect(decideRetry(res(429, {}, { 'retry-after': '7' }), 1, policy)).toEqual({ retry: true, reason: 'HTTP 429', waitMs: 7000, pauseAll: true });
  });
  it('uses the default wait for a 429 without Retry-After', () => {
    expect(decideRetry(res(429), 2, policy).waitMs).toBe(5000);
  });
  it('waits for the window reset of a 429 without Retry-After (ListenBrainz)', () => {
    expect(decideRetry(res(429, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-in': '3' }), 1, policy).waitMs).toBe(3000);
  });
  it('counts an error inside HTTP 200 as a 429', () => {
    const d = decideRetry(res(200, { error: { code: 4, message: 'Quota limit exceeded' } }), 1, policy);
    expect(d).toMatchObject({ retry: true, pauseAll: true, waitMs: 5000, reason: 'rate limit inside HTTP 200' });
  });
  it('backs off exponentially on 5xx and gives up after maxAttempts', () => {
    expect(decideRetry(res(503), 1, policy)).toMatchObject({ retry: true, waitMs: 100 });
    expect(decideRetry(res(502), 3, policy)).toMatchObject({ retry: true, waitMs: 400 });
    const last = decideRetry(res(500), 4, policy);
    expect(last.retry).toBe(false);
    expect(last.stop?.code).toBe('service_unavailable');
  });
  it('adds up to 25% jitter to each backoff step, the same for the same seed', () => {
    // Production draws the jitter from Math.random; a seeded draw makes the waits exact here.
    const waits = (seed: number) => {
      const p = { ...policy, random: seededRandom(seed) };
      return [1, 2, 3].map((attempt) => decideRetry(res(503), attempt, p).waitMs);
    };
    expect(waits(42)).toEqual([115, 222, 485]);
    expect(waits(42)).toEqual(waits(42));
    expect(waits(7)).not.toEqual(waits(42));
  });
  it('backs off on network errors', () => {
    const d = decideRetry({ kind: 'error', error: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }, 2, policy);
    expect(d).toEqual({ retry: true, reason: 'ECONNRESET', waitMs: 200 });
    // fetch's own failures are a TypeError whose cause says why: its code, else its message.
    const fetchFailed = (cause: object) => decideRetry({ kind: 'error', error: Object.assign(new TypeError('fetch failed'), { cause }) }, 2, policy).reason;
    expect(fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(fetchFailed(new Error('bad port'))).toBe('bad port');
  });
  it('refreshes the token once on 401, then stops', () => {
    const p = { ...policy, canRefresh: true };
    expect(decideRetry(res(401), 1, p)).toMatchObject({ retry: true, refresh: true });
    expect(decideRetry(res(401), 2, p)).toMatchObject({ retry: false });
    expect(decideRetry(res(401), 2, p).stop?.code).toBe('unauthorized');
    expect(decideRetry(res(401), 1, policy).retry).toBe(false);
  });
  it('stops cleanly on a quota and says when to resume', () => {
    const p = { ...policy, inspectBody: (s: number, b: unknown) => (s === 429 && JSON.stringify(b).includes('QUOTA_EXCEEDED') ? 'quota' as const : 'ok' as const) };
    const d = decideRetry(res(429, { error: { status: 429, message: 'QUOTA_EXCEEDED' } }, { 'retry-after': '3600' }), 1, p);
    expect(d.retry).toBe(false);
    expect(d.stop?.code).toBe('quota_exceeded');
    expect(d.stop?.message).toMatch(/resets around \d{4}-\d\d-\d\dT/);
    expect(d.stop?.suggestion).toMatch(/run the same command again after/);
  });
  it('treats 404 as an answer', () => {
    expect(decideRetry(res(404), 1, policy)).toMatchObject({ retry: false, done: 'not_found' });
  });
  it('stops on 403 with its own code (a bad key stops a run; one refused item is handled by its caller)', () => {
    expect(decideRetry(res(403), 1, policy).stop?.code).toBe('forbidden');
  });
  it('stops on other 4xx without retrying', () => {
    const d = decideRetry(res(400), 1, policy);
    expect(d.retry).toBe(false);
    expect(d.stop?.code).toBe('request_failed');
  });
});

describe('parseRetryAfter and rates', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
  it('reads X-RateLimit-Reset-In (seconds), X-RateLimit-Reset (UNIX seconds or seconds) and the draft RateLimit-* names', () => {
    expect(rateLimitResetMs({ 'x-ratelimit-reset-in': '2.5', 'x-ratelimit-reset': '1700000009' }, 1_700_000_000_000)).toBe(2500);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': '1700000009' }, 1_700_000_000_000)).toBe(9000);
    expect(rateLimitResetMs({ 'ratelimit-reset': '4' })).toBe(4000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': 'soon' })).toBeUndefined();
  });
  it('says a window is used up only when Remaining is 0 and a reset is given', () => {
    expect(windowUsedUpMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-in': '7' })).toBe(7000);
    expect(windowUsedUpMs({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset-in': '7' })).toBeUndefined();
    expect(windowUsedUpMs({ 'x-ratelimit-remaining': '0' })).toBeUndefined();
    expect(windowUsedUpMs({ 'x-ratelimit-reset-in': '7' })).toBeUndefined();
  });
  it('parses rates and env overrides', () => {
    expect(parseRate('50/5s')).toEqual({ count: 50, perMs: 5000 });
    expect(parseRate('1/s')).toEqual({ count: 1, perMs: 1000 });
    expect(rateFromEnv('deezer', '50/5s', { MIXTAPE_DEEZER_RATE: '10/1s' })).toEqual({ count: 10, perMs: 1000 });
    expect(() => parseRate('fast')).toThrow(/not a rate/);
  });
});
