import { createHash } from 'node:crypto';
import type { ErrorCode } from '@mixtape/core';
import { contributionMessage, decodeContribution, payloadFloats, type ContributionHeader } from '../codec.js';
import { nodeIdOf, publicKeyFrom, verifyMessage } from '../identity.js';
import { nodeNoiseStd, payloadLength, sensitivity, type FederationParams } from '../params.js';

/**
 * A stable code the hub answers with. The client reports a refusal as the catalogue's `hub_<code>`,
 * so the compiler keeps every code the hub sends in the catalogue.
 */
export type HubRefusalCode = { [K in ErrorCode]: K extends `hub_${infer C}` ? C : never }[ErrorCode];

/** Why a contribution was refused: an HTTP status, a stable code and a sentence for the sender. */
export interface Refusal {
  status: number;
  code: HubRefusalCode;
  message: string;
}

/** A contribution that passed every check, ready to store. */
export interface ValidContribution {
  header: ContributionHeader;
  nodeId: string;
  payload: Buffer;
}

const refuse = (status: number, code: HubRefusalCode, message: string): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: { status, code, message },
});

/**
 * The range an honest update's squared norm falls in: |s|^2 <= sensitivity^2 before noise, plus N
 * entries of N(0, sigma^2). Eight standard deviations either side, so an honest node is refused with
 * negligible probability, while a node that skips the noise cannot spend its whole noise budget
 * on a push in one direction.
 */
export function normBand(p: FederationParams, round: number): { low: number; high: number } {
  const n = payloadLength(p, round);
  const s = nodeNoiseStd(p, round);
  const c = sensitivity(p, round);
  if (s === 0) return { low: 0, high: c * c * (1 + 1e-5) };
  const spread = 8 * s * s * Math.sqrt(2 * n) + 16 * s * c;
  return { low: Math.max(0, n * s * s - spread), high: c * c + n * s * s + spread };
}

/** Checks one body against the federation's rules, cheapest checks first. */
export function validateContribution(
  body: Buffer,
  params: FederationParams,
  openRound: number,
): { ok: true; value: ValidContribution } | { ok: false; refusal: Refusal; nodeId?: string } {
  const d = decodeContribution(body);
  if (!d.ok) return refuse(400, 'malformed_body', d.reason);
  const h = d.header;
  const str = (k: string) => typeof h[k] === 'string' && (h[k] as string).length > 0 && (h[k] as string).length < 200;
  const int = (k: string) => typeof h[k] === 'number' && Number.isSafeInteger(h[k]);
  if (!str('signature')) return refuse(401, 'unsigned', 'the contribution carries no signature');
  for (const k of ['vocabVersion', 'nonce', 'publicKey', 'payloadSha256']) if (!str(k)) return refuse(400, 'malformed_header', `header field ${k} is missing or not a string`);
  for (const k of ['round', 'rows', 'dim']) if (!int(k)) return refuse(400, 'malformed_header', `header field ${k} is missing or not an integer`);
  const header = h as unknown as ContributionHeader;
  if (!/^[0-9a-f]{32}$/.test(header.nonce)) return refuse(400, 'malformed_header', 'nonce must be 16 random bytes in hex');
  if (header.vocabVersion !== params.vocabVersion)
    return refuse(422, 'wrong_vocabulary', `vocabulary ${header.vocabVersion} is not this federation's ${params.vocabVersion}`);
  if (header.rows !== params.vocabSize || header.dim !== params.als.dim)
    return refuse(422, 'wrong_shape', `shape ${header.rows}x${header.dim} is not ${params.vocabSize}x${params.als.dim}`);
  if (header.round !== openRound) return refuse(409, 'wrong_round', `round ${header.round} is not open; the open round is ${openRound}`);
  const expected = payloadLength(params, openRound) * 4;
  if (d.payload.length < expected) return refuse(400, 'truncated_body', `payload has ${d.payload.length} bytes, expected ${expected}`);
  if (d.payload.length > expected) return refuse(422, 'wrong_shape', `payload has ${d.payload.length} bytes, expected ${expected}`);
  const key = publicKeyFrom(header.publicKey);
  if (!key) return refuse(401, 'bad_public_key', 'publicKey is not a raw Ed25519 key in base64url');
  const hash = createHash('sha256').update(d.payload).digest('hex');
  if (hash !== header.payloadSha256) return refuse(400, 'hash_mismatch', 'payloadSha256 does not match the payload');
  if (!verifyMessage(key, contributionMessage(header), header.signature))
    return refuse(401, 'bad_signature', 'the signature does not verify with the given public key');
  // From here on the sender is known, so refusals carry its id (for the rate limiter).
  const nodeId = nodeIdOf(header.publicKey);
  const signed = (status: number, code: HubRefusalCode, message: string) => ({ ...refuse(status, code, message), nodeId });
  const values = payloadFloats(d.payload);
  let n2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) return signed(422, 'non_finite', `entry ${i} is ${v}; every entry must be a finite number`);
    n2 += v * v;
  }
  const band = normBand(params, openRound);
  if (n2 > band.high) return signed(422, 'over_norm_bound', `update norm ${Math.sqrt(n2).toFixed(4)} is over the bound ${Math.sqrt(band.high).toFixed(4)}`);
  if (n2 < band.low) return signed(422, 'under_noise_floor', `update norm ${Math.sqrt(n2).toFixed(4)} is below what the required noise gives (${Math.sqrt(band.low).toFixed(4)})`);
  return { ok: true, value: { header, nodeId, payload: d.payload } };
}
