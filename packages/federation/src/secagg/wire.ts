import { createHash } from 'node:crypto';
import { decodeEnvelope } from '../codec.js';
import { signMessage, type Identity } from '../identity.js';

/**
 * The body of every secure-aggregation POST: magic `MXS1`, header length (u32 LE), header JSON,
 * payload (JSON for steps 0, 1 and 3; the masked uint32 vector, little-endian, for step 2). The
 * header is signed with the node's Ed25519 identity and names the round, attempt and step, so a
 * message cannot be replayed into another step or round, nor sent for another node.
 */
export interface StepHeader {
  vocabVersion: string;
  round: number;
  attempt: number;
  step: number;
  publicKey: string;
  payloadSha256: string;
  signature: string;
}

const MAGIC = Buffer.from('MXS1');
const MAX_HEADER = 4096;

/** The exact text a node signs for one step message. */
export function stepMessageText(h: Omit<StepHeader, 'signature'>): string {
  return ['mixtape-secagg-step-v1', h.vocabVersion, h.round, h.attempt, h.step, h.publicKey, h.payloadSha256].join('\n');
}

export function encodeStep(identity: Identity, f: { vocabVersion: string; round: number; attempt: number; step: number }, payload: Buffer): Buffer {
  const unsigned = { ...f, publicKey: identity.publicKeyB64, payloadSha256: createHash('sha256').update(payload).digest('hex') };
  const h = Buffer.from(JSON.stringify({ ...unsigned, signature: signMessage(identity, stepMessageText(unsigned)) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  return Buffer.concat([MAGIC, len, h, payload]);
}

/** Splits a step body without trusting it; every length is checked against the bytes there. */
export function decodeStep(body: Buffer): { ok: true; header: Record<string, unknown>; payload: Buffer } | { ok: false; reason: string } {
  return decodeEnvelope(body, MAGIC, MAX_HEADER, 'MXS1');
}

/** The masked vector as bytes (little-endian uint32) and back; the copy keeps alignment. */
export const vectorBytes = (v: Uint32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
export function bytesVector(b: Buffer): Uint32Array {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Uint32Array(copy.buffer, 0, b.length >> 2);
}
