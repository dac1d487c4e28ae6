import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressLine } from './progress-line.js';

function line() {
  let t = 0;
  const writes: string[] = [];
  const p = new ProgressLine({ write: (s: string) => writes.push(s) }, () => t);
  return { p, writes, at: (ms: number) => (t = ms), last: () => writes.at(-1)! };
}

describe('progress line', () => {
  it('shows the rate and the time left of a long import, redrawn in place', () => {
    const { p, writes, at, last } = line();
    p.update({ unit: 'plays', done: 0, total: 200_000, message: 'writing to the database' });
    at(4000);
    p.update({ unit: 'plays', done: 40_000, total: 200_000, message: 'writing to the database' });
    expect(last()).toBe('\r\x1b[K40,000/200,000 plays · 10,000 plays/s · 16 s left · writing to the database');
    at(24_000);
    p.update({ unit: 'plays', done: 200_000, total: 200_000 });
    expect(last()).toBe('\r\x1b[K200,000/200,000 plays · 8,333 plays/s · 24 s elapsed\n');
    expect(writes).toHaveLength(3);
  });

  it('starts a new rate for a new phase and draws at most four times a second', () => {
    const { p, writes, at, last } = line();
    p.update({ unit: 'files', done: 0, total: 3 });
    at(100);
    p.update({ unit: 'files', done: 1, total: 3 });
    expect(writes).toHaveLength(1);
    at(2000);
    p.update({ unit: 'rows', done: 5000 });
    expect(last()).toBe('\r\x1b[K5,000 rows');
    at(4000);
    p.update({ unit: 'rows', done: 9000 });
    expect(last()).toBe('\r\x1b[K9,000 rows · 2,000 rows/s · 2 s elapsed');
  });

  it('clears a half-drawn line before anything else is printed, once', () => {
    const { p, writes } = line();
    p.update({ unit: 'steps', done: 1, message: 'Playlist1.json' });
    p.end();
    p.end();
    expect(writes).toEqual(['\r\x1b[K1 steps · Playlist1.json', '\r\x1b[K']);
  });

  it('formats durations for people', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});
