import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

/** CRC-32 as zip uses it, continued from `prev`; zlib.crc32 where Node has it (20.15+), else a table. */
export function crc32(buf: Uint8Array, prev = 0): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (native) return native(buf, prev);
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = ~prev >>> 0;
  for (let i = 0; i < buf.length; i++) c = table[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Passes bytes through and fails at the end with `onMismatch(actual)` when their CRC-32 is not `expected`. */
export function crcCheck(expected: number, onMismatch: (actual: number) => Error): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc === expected >>> 0 ? null : onMismatch(crc));
    },
  });
}
