import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frame, replayFramed } from './framed-log.js';

describe('framed append log', () => {
  it('replays whole records with their offsets and stops at a torn or damaged one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-framed-'));
    try {
      const records = ['first', '', 'x'.repeat(70_000), 'last'].map((t) => Buffer.from(t));
      const whole = Buffer.concat(records.map(frame));
      const path = join(dir, 'log');
      const replay = async (bytes: Buffer) => {
        await writeFile(path, bytes);
        const fh = await open(path, 'r');
        try {
          const seen: Array<[string, number]> = [];
          const end = await replayFramed(fh, (rest, at) => seen.push([rest.toString().slice(0, 8), at]));
          return { seen, end };
        } finally {
          await fh.close();
        }
      };
      const offsets = [8, 8 + 5 + 8, 8 + 5 + 8 + 0 + 8, 8 + 5 + 8 + 8 + 70_000 + 8];
      expect(await replay(whole)).toEqual({ seen: [['first', offsets[0]], ['', offsets[1]], ['xxxxxxxx', offsets[2]], ['last', offsets[3]]], end: whole.length });
      // Torn inside the last record, and inside the next header: the three before it stand.
      const three = whole.length - 12;
      expect(await replay(whole.subarray(0, whole.length - 1))).toEqual({ seen: [['first', 8], ['', 21], ['xxxxxxxx', 29]], end: three });
      expect(await replay(Buffer.concat([whole, Buffer.from([1, 2, 3])]))).toEqual({ seen: expect.any(Array), end: whole.length });
      // A flipped byte in the third record's bytes: its CRC fails, and nothing after it is read.
      const damaged = Buffer.from(whole);
      damaged[offsets[2]! + 100] ^= 0xff;
      expect(await replay(damaged)).toEqual({ seen: [['first', 8], ['', 21]], end: offsets[2]! - 8 });
      expect(await replay(Buffer.alloc(0))).toEqual({ seen: [], end: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
