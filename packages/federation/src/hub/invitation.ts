import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateIdentity, publicKeyFrom, signMessage, verifyMessage, type Identity } from '../identity.js';

/** What an invitation grants: up to `max` identities under one id, until `expires` (ms since the epoch; 0 = never). */
export interface Invitation {
  id: string;
  max: number;
  expires: number;
}

const PREFIX = 'mxi1';
const text = (payload: string) => `mixtape-invitation-v1\n${payload}`;

/** A token the hub signs: `mxi1.<payload>.<signature>`, handed to listeners by the operator. */
export function createInvitation(hubKey: Identity, o: { max?: number; expires?: number } = {}): string {
  const inv: Invitation = { id: randomBytes(12).toString('base64url'), max: o.max ?? 1, expires: o.expires ?? 0 };
  const payload = Buffer.from(JSON.stringify(inv)).toString('base64url');
  return `${PREFIX}.${payload}.${signMessage(hubKey, text(payload))}`;
}

/** The invitation a token carries when this hub signed it and it has not expired; else the reason. */
export function readInvitation(token: unknown, hubPublicKey: string, now = Date.now()): { ok: true; invitation: Invitation } | { ok: false; reason: string } {
  if (typeof token !== 'string' || token.length > 400) return { ok: false, reason: 'no invitation token' };
  const [prefix, payload, sig] = token.split('.');
  if (prefix !== PREFIX || !payload || !sig) return { ok: false, reason: 'the invitation is not an mxi1 token' };
  if (!verifyMessage(publicKeyFrom(hubPublicKey)!, text(payload), sig)) return { ok: false, reason: 'the invitation is not signed by this hub' };
  let inv: Invitation;
  try {
    inv = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Invitation;
  } catch {
    return { ok: false, reason: 'the invitation is unreadable' };
  }
  if (inv.expires > 0 && now > inv.expires) return { ok: false, reason: 'the invitation has expired' };
  return { ok: true, invitation: inv };
}

/** An invitation signed with the key of the hub whose folder is `dir` (what `mixtape federation invite` prints). */
export async function inviteToHub(o: { dir: string; keyPath?: string; max?: number; expires?: number }): Promise<{ token: string; max: number; expires: number }> {
  const { identity } = await loadOrCreateIdentity(o.keyPath ?? join(o.dir, 'hub-key.pem'));
  const token = createInvitation(identity, { max: o.max ?? 1, expires: o.expires ?? 0 });
  return { token, max: o.max ?? 1, expires: o.expires ?? 0 };
}
