import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile, rename, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MixtapeError } from '@mixtape/core';

/** An Ed25519 key pair; the private half never leaves the machine it was made on. */
export interface Identity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte public key, base64url. */
  publicKeyB64: string;
  /** Short stable id derived from the public key. */
  id: string;
}

/** A new random identity. */
export function newIdentity(): Identity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return fromKeys(privateKey, publicKey);
}

function fromKeys(privateKey: KeyObject, publicKey: KeyObject): Identity {
  const raw = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey, publicKey, publicKeyB64: raw, id: nodeIdOf(raw) };
}

/** The id of a node: the first 16 bytes of SHA-256 of its raw public key, base64url. */
export function nodeIdOf(publicKeyB64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyB64, 'base64url')).digest().subarray(0, 16).toString('base64url');
}

/** A public key object from its raw base64url form, or undefined when it is not a valid key. */
export function publicKeyFrom(publicKeyB64: string): KeyObject | undefined {
  if (typeof publicKeyB64 !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(publicKeyB64)) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyB64 }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Ed25519 signature of a message, base64url. */
export function signMessage(id: Identity, message: string): string {
  return sign(null, Buffer.from(message, 'utf8'), id.privateKey).toString('base64url');
}

/** True when `signature` is a valid Ed25519 signature of `message` by `publicKey`. */
export function verifyMessage(publicKey: KeyObject, message: string, signature: string): boolean {
  if (typeof signature !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    return verify(null, Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Writes a file readable by its owner only, atomically (temp file, then rename). */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** Loads the identity stored at `path`, or makes and stores one (mode 0600) when there is none. */
export async function loadOrCreateIdentity(path: string): Promise<{ identity: Identity; created: boolean }> {
  let pem: string | undefined;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (pem === undefined) {
    const identity = newIdentity();
    await writePrivateFile(path, identity.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    return { identity, created: true };
  }
  try {
    const privateKey = createPrivateKey(pem);
    return { identity: fromKeys(privateKey, createPublicKey(privateKey)), created: false };
  } catch (cause) {
    throw new MixtapeError('identity_unreadable', `The federation identity at ${path} is not an Ed25519 private key`, {
      suggestion: 'move that file away and run `mixtape federation join` again to make a new identity',
      cause,
    });
  }
}
