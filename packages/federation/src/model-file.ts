import { createHash } from 'node:crypto';

/** What a published global model says about itself. */
export interface ModelHeader {
  version: number;
  vocabVersion: string;
  rows: number;
  dim: number;
  /** Contributions accepted and kept after trimming in the round that made this version. */
  accepted: number;
  kept: number;
  keptRows: number;
  noiseMultiplier: number;
}

/** A published version: the header, the body bytes, their hash and the hub's signature of it. */
export interface PublishedModel {
  header: ModelHeader;
  sha256: string;
  signature: string;
}

const MAGIC = Buffer.from('MXM1');

/** Serialises a global model: magic, header length, header JSON, table (rows x dim) and popularity (rows). */
export function encodeModel(header: ModelHeader, table: Float32Array, popularity: Float32Array): Buffer {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  // Pad so the floats start 4-byte aligned in the file and in memory.
  const pad = Buffer.alloc((4 - ((8 + h.length) % 4)) % 4, 0x20);
  return Buffer.concat([
    MAGIC,
    len,
    h,
    pad,
    Buffer.from(table.buffer, table.byteOffset, table.byteLength),
    Buffer.from(popularity.buffer, popularity.byteOffset, popularity.byteLength),
  ]);
}

/** Parses a model body; throws on any inconsistency (callers verify the hash first). */
export function decodeModel(body: Buffer): { header: ModelHeader; table: Float32Array; popularity: Float32Array } {
  if (body.length < 8 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Mixtape model body (magic)');
  const hl = body.readUInt32LE(4);
  if (8 + hl > body.length) throw new Error('model header is truncated');
  const header = JSON.parse(body.subarray(8, 8 + hl).toString('utf8')) as ModelHeader;
  const start = 8 + hl + ((4 - ((8 + hl) % 4)) % 4);
  const n = header.rows * header.dim;
  if (body.length !== start + 4 * (n + header.rows)) throw new Error('model body length does not match its header');
  const copy = new Uint8Array(body.length - start);
  copy.set(body.subarray(start));
  return {
    header,
    table: new Float32Array(copy.buffer, 0, n),
    popularity: new Float32Array(copy.buffer, 4 * n, header.rows),
  };
}

/** SHA-256 of a body, hex. */
export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The message the hub signs for a version: its number and its hash. */
export function modelMessage(version: number, sha256: string): string {
  return `mixtape-model-v1\n${version}\n${sha256}`;
}
