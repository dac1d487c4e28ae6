import { describe, expect, it } from 'vitest';
import { formatDuration, progressFor, ProgressBars } from './progress-line.js';

/** A terminal stand-in: cli-progress draws only on a stream whose isTTY is true. */
function terminal(isTTY = true) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) }, writes };
}

/** What was drawn, control sequences removed. */
const CONTROL = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;]*[A-Za-z]|[78])`, 'g');
const texts = (writes: string[]) => writes.map((w) => w.replace(CONTROL, '')).filter(Boolean);

describe('progress bars (cli-progress)', () => {
  it('draws a bar with the count, the rate and the time left of a long import, then clears it', () => {
    let t = 0;
    const { stream, writes } = terminal();
    const bars = new ProgressBars(stream, () => t);
    bars.update({ unit: 'plays', done: 0, total: 200_000, message: 'writing to the database' });
    t = 4000;
    bars.update({ unit: 'plays', done: 40_000, total: 200_000, message: 'writing to the database' });
    bars.end();
    expect(texts(writes)).toEqual([
      '░░░░░░░░░░░░░░░░░░░░░░░░ 0/200,000 plays · writing to the database',
      '█████░░░░░░░░░░░░░░░░░░░ 40,000/200,000 plays · 10,000 plays/s · 16 s left · writing to the database',
    ]);
    // Cleared at the end (back to column 1, line erased), so the summary starts on a clean line.
    expect(writes.slice(-2)).toEqual(['\x1b[1G', '\x1b[2K']);
  });

  it('shows a count without a bar when the total is unknown, and starts a new bar for a new phase', () => {
    let t = 0;
    const { stream, writes } = terminal();
    const bars = new ProgressBars(stream, () => t);
    bars.update({ unit: 'rows', done: 0, message: 'parsing scrobbles.csv' });
    t = 2000;
    bars.update({ unit: 'rows', done: 9000 });
    bars.update({ unit: 'files', done: 1, total: 4, message: 'Playlist1.json' });
    bars.end();
    expect(texts(writes)).toEqual([
      '0 rows · parsing scrobbles.csv',
      '9,000 rows · 4,500 rows/s · 2 s elapsed',
      '██████░░░░░░░░░░░░░░░░░░ 1/4 files · Playlist1.json',
    ]);
  });

  it('never shows a secret that reached a message', () => {
    const { stream, writes } = terminal();
    const bars = new ProgressBars(stream);
    bars.update({ unit: 'pages', done: 1, message: 'GET https://api.example/me?access_token=abcdef123456' });
    bars.end();
    expect(writes.join('')).not.toContain('abcdef123456');
  });

  it('prints nothing when the output is not a terminal, or with --json', () => {
    for (const [isTTY, json] of [[false, false], [true, true], [false, true]] as const) {
      const { stream, writes } = terminal(isTTY);
      const p = progressFor(stream, json);
      p.update({ unit: 'plays', done: 10, total: 20, message: 'writing' });
      p.update({ unit: 'plays', done: 20, total: 20 });
      p.end();
      expect(writes, `isTTY ${isTTY}, json ${json}`).toEqual([]);
    }
    const { stream, writes } = terminal(true);
    const p = progressFor(stream, false);
    p.update({ unit: 'plays', done: 10, total: 20 });
    p.end();
    expect(texts(writes)).toEqual(['████████████░░░░░░░░░░░░ 10/20 plays']);
  });

  it('formats durations for people', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});
