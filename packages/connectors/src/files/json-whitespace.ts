import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

/**
 * DuckDB's JSON reader rejects valid JSON whose whitespace fills a whole read buffer (tens of MB
 * of padding before, inside or after the array) as malformed. Runs of whitespace outside strings
 * longer than this are cut to this length: the JSON means the same, and real exports never come
 * near it, so their bytes (and the byte offsets in error messages) stay as they are.
 */
export const WHITESPACE_RUN_LIMIT = 65_536;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Tracks strings across chunks so whitespace inside a JSON string is never touched. */
export class JsonWhitespaceLimiter {
  private inString = false;
  private escaped = false;
  private run = 0;
  /** True once some whitespace was cut. */
  cut = false;

  /** The chunk without the whitespace past the limit. */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let from = this.run > WHITESPACE_RUN_LIMIT ? -1 : 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const b = chunk[i]!;
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
        if (++this.run === WHITESPACE_RUN_LIMIT + 1) {
          out.push(chunk.subarray(from, i));
          from = -1;
          this.cut = true;
        }
      } else {
        if (from === -1) from = i;
        this.run = 0;
        if (b === QUOTE) this.inString = true;
      }
      i++;
    }
    if (from !== -1) out.push(from === 0 ? chunk : chunk.subarray(from));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** Moves past the string's closing quote (or to the chunk's end); indexOf keeps long strings cheap. */
  private skipString(chunk: Buffer, start: number): number {
    let i = start;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (;;) {
      const q = chunk.indexOf(QUOTE, i);
      const end = q === -1 ? chunk.length : q;
      let slashes = 0;
      while (end - slashes - 1 >= i && chunk[end - slashes - 1] === BACKSLASH) slashes++;
      if (q === -1) {
        this.escaped = slashes % 2 === 1;
        return chunk.length;
      }
      if (slashes % 2 === 0) {
        this.inString = false;
        return q + 1;
      }
      i = q + 1;
    }
  }

  /** A stream stage applying `push` to every chunk. */
  static transform(): Transform {
    const limiter = new JsonWhitespaceLimiter();
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        const out = limiter.push(chunk);
        done(null, out.length > 0 ? out : undefined);
      },
    });
  }
}

/** True when the file holds a whitespace run DuckDB would choke on (so it must be copied through the limiter). */
export async function hasLongWhitespace(path: string): Promise<boolean> {
  const limiter = new JsonWhitespaceLimiter();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    limiter.push(chunk as Buffer);
    if (limiter.cut) return true;
  }
  return false;
}
