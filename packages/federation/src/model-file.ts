import { createHash } from 'node:crypto';

/** What a published global model says about itself. */
export interface ModelHeader {
  version: number;
  scheme: 'private-als-1';
  vocabVersion: string;
  vocabSize: number;
  dim: number;
  /** Items the shared model learned collaboratively (the rest of the table comes from public features). */
  shared: number;
  /** initial: nothing learned yet; selection: the shared items are chosen; factors: item factors learned. */
  stage: 'initial' | 'selection' | 'factors';
  /** Contributions summed in the round that made this version. */
  accepted: number;
  /** Whether the body carries the whole vocabulary's table (shared rows, the public-feature tail, tag columns). */
  fullTable: boolean;
  /** Columns of that table: dim, plus the public tag columns when there are any. */
  tableDim: number;
}

/** A published version: the header, the body bytes, their hash and the hub's signature of it. */
export interface PublishedModel {
  header: ModelHeader;
  sha256: string;
  signature: string;
}

/** The arrays of a version: shared item indices, their noisy counts, their factors, and optionally the whole table. */
export interface ModelArrays {
  shared: Int32Array;
  counts: Float32Array;
  sharedTable: Float32Array;
  table?: Float32Array;
}

const MAGIC = Buffer.from('MXM2');
const bytesOf = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Serialises a global model: magic, header length, header JSON, padding, then the arrays (little-endian). */
export function encodeModel(header: ModelHeader, a: ModelArrays): Buffer {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  // Pad so the arrays start 4-byte aligned in the file and in memory.
  const pad = Buffer.alloc((4 - ((8 + h.length) % 4)) % 4, 0x20);
  const parts = [MAGIC, len, h, pad, bytesOf(a.shared), bytesOf(a.counts), bytesOf(a.sharedTable)];
  if (header.fullTable && a.table) parts.push(bytesOf(a.table));
  return Buffer.concat(parts);
}

/** Parses a model body; throws on any inconsistency (callers verify the hash first). */
export function decodeModel(body: Buffer): { header: ModelHeader } & ModelArrays {
  if (body.length < 8 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Mixtape model body (magic)');
  const hl = body.readUInt32LE(4);
  if (8 + hl > body.length) throw new Error('model header is truncated');
  const header = JSON.parse(body.subarray(8, 8 + hl).toString('utf8')) as ModelHeader;
  const start = 8 + hl + ((4 - ((8 + hl) % 4)) % 4);
  const k = header.shared;
  const floats = k * 2 + k * header.dim + (header.fullTable ? header.vocabSize * header.tableDim : 0);
  if (body.length !== start + 4 * floats) throw new Error('model body length does not match its header');
  const copy = new Uint8Array(body.length - start);
  copy.set(body.subarray(start));
  const b = copy.buffer;
  const out: { header: ModelHeader } & ModelArrays = {
    header,
    shared: new Int32Array(b, 0, k),
    counts: new Float32Array(b, 4 * k, k),
    sharedTable: new Float32Array(b, 8 * k, k * header.dim),
  };
  if (header.fullTable) out.table = new Float32Array(b, 4 * (2 * k + k * header.dim), header.vocabSize * header.tableDim);
  return out;
}

/** SHA-256 of a body, hex. */
export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The message the hub signs for a version: its number and its hash. */
export function modelMessage(version: number, sha256: string): string {
  return `mixtape-model-v2\n${version}\n${sha256}`;
}
