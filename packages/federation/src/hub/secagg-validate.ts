import { createHash } from 'node:crypto';
import { nodeIdOf, publicKeyFrom, verifyMessage } from '../identity.js';
import type { FederationParams } from '../params.js';
import { advertVerifies } from '../secagg/client.js';
import type { Advert, RevealedShare, SealedShare } from '../secagg/messages.js';
import { decodeStep, stepMessageText, type StepHeader } from '../secagg/wire.js';
import type { HubRefusalCode, Refusal } from './validate.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal; nodeId?: string };

export const refuse = (status: number, code: HubRefusalCode, message: string, nodeId?: string): { ok: false; refusal: Refusal; nodeId?: string } => ({
  ok: false,
  refusal: { status, code, message },
  ...(nodeId ? { nodeId } : {}),
});

/** Checks a step body's envelope: shape, federation, the path's round/attempt/step, hash and signature. */
export function checkEnvelope(body: Buffer, p: FederationParams, path: { round: number; attempt: number; step: number }): Checked<{ header: StepHeader; nodeId: string; payload: Buffer }> {
  const d = decodeStep(body);
  if (!d.ok) return refuse(400, 'malformed_body', d.reason);
  const h = d.header;
  if (typeof h.signature !== 'string' || h.signature.length === 0) return refuse(401, 'unsigned', 'the message carries no signature');
  for (const k of ['vocabVersion', 'publicKey', 'payloadSha256']) if (typeof h[k] !== 'string') return refuse(400, 'malformed_header', `header field ${k} is missing or not a string`);
  for (const k of ['round', 'attempt', 'step']) if (!Number.isSafeInteger(h[k])) return refuse(400, 'malformed_header', `header field ${k} is missing or not an integer`);
  const header = h as unknown as StepHeader;
  if (header.vocabVersion !== p.vocabVersion) return refuse(422, 'wrong_vocabulary', `vocabulary ${header.vocabVersion} is not this federation's ${p.vocabVersion}`);
  if (header.round !== path.round || header.attempt !== path.attempt || header.step !== path.step)
    return refuse(400, 'round_mismatch', `the header names round ${header.round}, attempt ${header.attempt}, step ${header.step}; the path another`);
  const key = publicKeyFrom(header.publicKey);
  if (!key) return refuse(401, 'bad_public_key', 'publicKey is not a raw Ed25519 key in base64url');
  if (createHash('sha256').update(d.payload).digest('hex') !== header.payloadSha256) return refuse(400, 'hash_mismatch', 'payloadSha256 does not match the payload');
  if (!verifyMessage(key, stepMessageText(header), header.signature)) return refuse(401, 'bad_signature', 'the signature does not verify with the given public key');
  return { ok: true, value: { header, nodeId: nodeIdOf(header.publicKey), payload: d.payload } };
}

function json(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

const B64_32 = /^[A-Za-z0-9_-]{43}$/;

/** Step 0: one advert, for the sender itself, signed by it, with two 32-byte keys. */
export function checkAdvert(payload: Buffer, context: string, nodeId: string, publicKey: string): Checked<Advert> {
  const a = json(payload) as Advert | undefined;
  if (!a || typeof a !== 'object' || !B64_32.test(String(a.cPk)) || !B64_32.test(String(a.sPk))) return refuse(400, 'malformed_body', 'an advert has id, identityKey, cPk, sPk (32 bytes each, base64url) and signature', nodeId);
  if (a.id !== nodeId || a.identityKey !== publicKey) return refuse(403, 'speaks_for_another', 'an advert must carry the sender\'s own identity', nodeId);
  if (!advertVerifies(context, a)) return refuse(401, 'bad_signature', 'the advert\'s signature does not verify for this round', nodeId);
  return { ok: true, value: { id: a.id, identityKey: a.identityKey, cPk: a.cPk, sPk: a.sPk, signature: a.signature } };
}

/** Step 1: one sealed share for each neighbour exactly, all from the sender. */
export function checkShares(payload: Buffer, nodeId: string, neighbours: Set<string>): Checked<SealedShare[]> {
  const list = json(payload) as SealedShare[] | undefined;
  if (!Array.isArray(list)) return refuse(400, 'malformed_body', 'step 1 is a JSON list of sealed shares', nodeId);
  const to = new Set<string>();
  for (const s of list) {
    if (!s || typeof s !== 'object' || typeof s.to !== 'string' || typeof s.sealed !== 'string' || s.sealed.length > 200 || !B64_32.test(String(s.commitB)) || !B64_32.test(String(s.commitS)))
      return refuse(400, 'malformed_body', 'a sealed share has from, to, sealed, commitB and commitS', nodeId);
    if (s.from !== nodeId) return refuse(403, 'speaks_for_another', 'a node deals only its own shares', nodeId);
    if (!neighbours.has(s.to) || to.has(s.to)) return refuse(422, 'wrong_shape', `${s.to} is not a neighbour, or got two shares`, nodeId);
    to.add(s.to);
  }
  if (to.size !== neighbours.size) return refuse(422, 'wrong_shape', `${to.size} shares for ${neighbours.size} neighbours`, nodeId);
  return { ok: true, value: list.map((s) => ({ from: s.from, to: s.to, sealed: s.sealed, commitB: s.commitB, commitS: s.commitS })) };
}

/** Step 3: revealed shares, each matching its commitment and of the kind the sets call for (b of survivors, s of dropped sharers). */
export function checkReveal(payload: Buffer, nodeId: string, want: (dealer: string) => 'b' | 's' | undefined, problem: (r: RevealedShare) => string | undefined): Checked<RevealedShare[]> {
  const list = json(payload) as RevealedShare[] | undefined;
  if (!Array.isArray(list)) return refuse(400, 'malformed_body', 'step 3 is a JSON list of revealed shares', nodeId);
  const seen = new Set<string>();
  for (const r of list) {
    if (!r || typeof r !== 'object' || typeof r.dealer !== 'string' || seen.has(r.dealer)) return refuse(400, 'malformed_body', 'each revealed share names its dealer once', nodeId);
    seen.add(r.dealer);
    if (want(r.dealer) !== r.kind) return refuse(422, 'wrong_share_kind', `a ${String(r.kind)}-share of ${r.dealer} is not what this round asks for`, nodeId);
    const why = problem(r);
    if (why) return refuse(422, 'share_mismatch', why, nodeId);
  }
  return { ok: true, value: list.map((r) => ({ dealer: r.dealer, kind: r.kind, share: r.share })) };
}
