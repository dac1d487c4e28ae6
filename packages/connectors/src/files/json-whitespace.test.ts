import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasLongWhitespace, JsonWhitespaceLimiter, WHITESPACE_RUN_LIMIT } from './json-whitespace.js';

/** Runs text through the limiter in chunks of `size` bytes. */
function limit(text: string, size: number): { out: string; cut: boolean } {
  const buf = Buffer.from(text);
  const l = new JsonWhitespaceLimiter();
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(l.push(buf.subarray(i, i + size)));
  return { out: Buffer.concat(parts).toString(), cut: l.cut };
}

describe('JSON whitespace limiter', () => {
  const pad = ' \n\t\r'.repeat(WHITESPACE_RUN_LIMIT);
  // Strings hold long whitespace, escaped quotes and backslashes that must survive untouched.
  const spaces = ' '.repeat(2 * WHITESPACE_RUN_LIMIT);
  const inner = `{"a":"x\\\\","b":"say \\"${spaces}\\" ok","c":[1, 2]}`;

  it.each([3, 4096, 1 << 20])('cuts padding outside strings only (chunks of %i bytes)', (size) => {
    const { out, cut } = limit(`\uFEFF${pad}[${pad}${inner},${pad}${inner}${pad}]${pad}`, size);
    expect(cut).toBe(true);
    expect(JSON.parse(out.replace(/^\uFEFF/, ''))).toEqual(JSON.parse(`[${inner},${inner}]`));
    expect(out.length).toBeLessThan(2 * inner.length + 6 * WHITESPACE_RUN_LIMIT);
  });

  it('leaves a file without long padding byte for byte as it was', () => {
    const text = JSON.stringify([JSON.parse(inner), { d: null }], null, 4);
    expect(limit(text, 13)).toEqual({ out: text, cut: false });
  });

  it('tells which files need cutting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-ws-'));
    try {
      await writeFile(join(dir, 'padded.json'), `[${pad}]`);
      await writeFile(join(dir, 'string.json'), `["${spaces}"]`);
      expect(await hasLongWhitespace(join(dir, 'padded.json'))).toBe(true);
      expect(await hasLongWhitespace(join(dir, 'string.json'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
