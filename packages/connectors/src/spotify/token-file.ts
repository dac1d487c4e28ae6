import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MixtapeError } from '@mixtape/core';

/** What is kept between runs: never printed, only in a 0600 file. */
export interface StoredTokens {
  client_id: string;
  refresh_token: string;
  access_token?: string;
  /** Epoch ms. */
  expires_at?: number;
  scope?: string;
  saved_at?: string;
}

/** Reads the token file; undefined when there is none. */
export function readTokenFile(path: string): StoredTokens | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const t = JSON.parse(text) as StoredTokens;
    if (typeof t.refresh_token !== 'string' || typeof t.client_id !== 'string') throw new Error('missing fields');
    return t;
  } catch (cause) {
    throw new MixtapeError('auth_file_invalid', `The token file ${path} is not readable`, { suggestion: 'run `mixtape auth logout` then `mixtape auth spotify`', cause });
  }
}

/** Writes the token file atomically with mode 0600 (the temp file is 0600 from its creation). */
export function writeTokenFile(path: string, tokens: StoredTokens): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...tokens, saved_at: new Date().toISOString() }, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function deleteTokenFile(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch {
    return false;
  }
}
