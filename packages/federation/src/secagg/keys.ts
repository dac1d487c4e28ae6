import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { forKeystreamWords } from './random.js';

/**
 * HKDF-SHA-256 (RFC 5869) for outputs of at most 32 bytes: one HMAC to extract, one to expand. Same
 * bytes as Node's hkdfSync, without its per-call key objects (a node derives hundreds of keys a round).
 */
export function hkdf32(ikm: Uint8Array, salt: string, info: string, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(info).update(ONE).digest().subarray(0, length);
}
const ONE = Buffer.from([1]);

/** An X25519 key pair with its raw halves (32 bytes each). */
export interface AgreementKey {
  privateKey: KeyObject;
  publicRaw: Buffer;
  privateRaw: Buffer;
}

export function newAgreementKey(): AgreementKey {
  return fromPair(generateKeyPairSync('x25519').privateKey);
}

function fromPair(privateKey: KeyObject): AgreementKey {
  // The private JWK carries both halves. (Exporting X25519 public keys as JWK stalled after a few
  // thousand keys on Node 20.20 in one process; the private export does not.)
  const priv = privateKey.export({ format: 'jwk' });
  return { privateKey, publicRaw: Buffer.from(priv.x!, 'base64url'), privateRaw: Buffer.from(priv.d!, 'base64url') };
}

/** The key pair from a raw private key (as rebuilt from Shamir shares). */
export function agreementKeyFromRaw(privateRaw: Uint8Array, publicRaw: Uint8Array): AgreementKey {
  const x = Buffer.from(publicRaw).toString('base64url');
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(privateRaw).toString('base64url'), x }, format: 'jwk' });
  return fromPair(privateKey);
}

/** A raw X25519 public key as a key object, or undefined when it is not 32 bytes. */
export function publicAgreementKey(raw: Uint8Array): KeyObject | undefined {
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** X25519 shared secret, stretched by HKDF-SHA-256 into a 32-byte key bound to its purpose and round context. */
export function agreedKey(mine: KeyObject, theirs: Uint8Array, purpose: string, context: string): Buffer {
  const pub = publicAgreementKey(theirs);
  if (!pub) throw new Error('agreedKey: not an X25519 public key');
  const secret = diffieHellman({ privateKey: mine, publicKey: pub });
  return hkdf32(secret, context, `mixtape-secagg-${purpose}`, 32);
}

/** A mask of `words` uint32s expanded from a 32-byte seed (HKDF, then the AES-128-CTR keystream). */
export function expandMask(seed: Uint8Array, words: number, context: string): Uint32Array {
  const out = new Uint32Array(words);
  forKeystreamWords(hkdf32(seed, context, 'mixtape-secagg-mask', 16), words, (m, off) => out.set(m, off));
  return out;
}

/** y += sign · expandMask(seed) modulo 2^32, in place, without keeping the mask (the hot loop of a round). */
export function applyMask(y: Uint32Array, seed: Uint8Array, context: string, sign: 1 | -1): void {
  forKeystreamWords(hkdf32(seed, context, 'mixtape-secagg-mask', 16), y.length, (m, off) => {
    if (sign === 1) for (let i = 0; i < m.length; i++) y[off + i] = (y[off + i]! + m[i]!) >>> 0;
    else for (let i = 0; i < m.length; i++) y[off + i] = (y[off + i]! - m[i]!) >>> 0;
  });
}

/** ChaCha20-Poly1305 encryption with the associated data bound in; output is nonce ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: plaintext.length });
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

/** Opens what `seal` made; undefined when it was altered, truncated or sealed for another context. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer | undefined {
  if (sealed.length < 28) return undefined;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, sealed.subarray(0, 12), { authTagLength: 16 });
    d.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: sealed.length - 28 });
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}
