import { createHash } from 'node:crypto';
import { signMessage, type Identity } from './identity.js';

/** The fixed part of a contribution: what the hub checks before it looks at the numbers. */
export interface ContributionHeader {
  vocabVersion: string;
  round: number;
  /** Random 16 bytes, hex: with the round, makes every contribution unique (replays are refused). */
  nonce: string;
  publicKey: string;
  rows: number;
  dim: number;
  payloadSha256: string;
  signature: string;
  /** An invitation token the hub signed (not covered by the node's signature: the hub's own signature makes it). */
  invitation?: string;
}

const MAGIC = Buffer.from('MXC1');
/** Header bytes are small; a larger header is refused before parsing. */
export const MAX_HEADER_BYTES = 4096;

/** The exact bytes a node signs: every header field but the signature, and the payload's hash. */
export function contributionMessage(h: Omit<ContributionHeader, 'signature'>): string {
  return ['mixtape-contribution-v1', h.vocabVersion, h.round, h.nonce, h.publicKey, h.rows, h.dim, h.payloadSha256].join('\n');
}

/** Serialises a signed contribution: magic, header length (u32 LE), header JSON, float32 LE payload. */
export function encodeContribution(
  identity: Identity,
  fields: { vocabVersion: string; round: number; nonce: string; rows: number; dim: number; invitation?: string },
  payload: Float32Array,
): Buffer {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const unsigned = { ...fields, publicKey: identity.publicKeyB64, payloadSha256: createHash('sha256').update(bytes).digest('hex') };
  const header: ContributionHeader = { ...unsigned, signature: signMessage(identity, contributionMessage(unsigned)) };
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  return Buffer.concat([MAGIC, len, h, bytes]);
}

/** A body split into its parts, or the reason it cannot be. */
export type Decoded = { ok: true; header: Record<string, unknown>; payload: Buffer } | { ok: false; reason: string };

/** Splits a body without trusting it: every length is checked against the bytes really there. */
export function decodeContribution(body: Buffer): Decoded {
  return decodeEnvelope(body, MAGIC, MAX_HEADER_BYTES, 'MXC1 contribution');
}

/**
 * Splits a "magic, header length, JSON header, payload" body (contributions, secure-aggregation
 * steps) without trusting it: every length is checked against the bytes really there.
 */
export function decodeEnvelope(body: Buffer, magic: Buffer, maxHeader: number, name: string): Decoded {
  if (body.length < 8 || !body.subarray(0, 4).equals(magic)) return { ok: false, reason: `body does not start with the ${name} magic` };
  const hl = body.readUInt32LE(4);
  if (hl === 0 || hl > maxHeader) return { ok: false, reason: `header length ${hl} is outside 1..${maxHeader}` };
  if (body.length < 8 + hl) return { ok: false, reason: 'body is truncated inside the header' };
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(8, 8 + hl).toString('utf8'));
  } catch {
    return { ok: false, reason: 'header is not valid JSON' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { ok: false, reason: 'header is not a JSON object' };
  return { ok: true, header: header as Record<string, unknown>, payload: body.subarray(8 + hl) };
}

/** A float32 view of payload bytes (copied when they are not 4-byte aligned). */
export function payloadFloats(bytes: Buffer): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, bytes.length >> 2);
}
