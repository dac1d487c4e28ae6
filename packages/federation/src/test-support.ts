import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeContribution } from './codec.js';
import { newIdentity, type Identity } from './identity.js';
import { startHub, type RunningHub } from './hub/run.js';
import { addGaussianNoise } from './gaussian.js';
import { defaultParams, nodeNoiseStd, payloadLength, type FederationParams } from './params.js';
import { vocabulary, type Vocabulary } from './vocab.js';
import { randomBytes } from 'node:crypto';
import { seededRandom } from '@mixtape/core';

/** A vocabulary of `n` items `id:0` … `id:n-1`. */
export function idVocabulary(n: number): Vocabulary {
  return vocabulary(Array.from({ length: n }, (_, i) => `id:${i}`));
}

/** The vocabulary of test federations: 64 items. */
export const testVocabulary: Vocabulary = idVocabulary(64);

/** A small federation for tests: 64 items, 16 shared, dim 4, two ALS rounds, a round at `minContributors`. */
export function testParams(over: Partial<Omit<FederationParams, 'als'>> & { als?: Partial<FederationParams['als']> } = {}): FederationParams {
  return defaultParams({ vocabVersion: testVocabulary.version, vocabSize: 64, minContributors: 5, epsilon: 8, ...over, als: { dim: 4, sharedItems: 16, itemsPerNode: 8, rounds: 2, ...over.als } });
}

/** A hub on a random loopback port with a fresh store folder. */
export async function testHub(params: FederationParams, opts: { db?: string; foldEvery?: number; burst?: number; perMinute?: number; dir?: string; keyPath?: string; vocabulary?: Vocabulary; log?: (line: string) => void; admission?: { maxPerInvitation: number } } = {}): Promise<RunningHub & { dir: string }> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'mixtape-hub-test-')));
  const hub = await startHub({ port: 0, dir, params, vocabulary: testVocabulary, ...opts });
  const stop = hub.stop.bind(hub);
  return Object.assign(hub, {
    dir,
    async stop() {
      await stop();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  });
}

/** An honest-looking payload for `round`: a small signal in the first entries, plus the required noise. */
export function honestPayload(p: FederationParams, round = 1): Float32Array {
  const u = new Float32Array(payloadLength(p, round));
  u[0] = 0.5;
  u[1] = 0.5;
  addGaussianNoise(u, nodeNoiseStd(p, round));
  return u;
}

/** A signed contribution body for `round`, with fields overridable to make bad ones. */
export function contributionBody(
  p: FederationParams,
  round: number,
  opts: { identity?: Identity; payload?: Float32Array; vocabVersion?: string; rows?: number; dim?: number; nonce?: string } = {},
): Buffer {
  return encodeContribution(
    opts.identity ?? newIdentity(),
    {
      vocabVersion: opts.vocabVersion ?? p.vocabVersion,
      round,
      nonce: opts.nonce ?? randomBytes(16).toString('hex'),
      rows: opts.rows ?? p.vocabSize,
      dim: opts.dim ?? p.als.dim,
    },
    opts.payload ?? honestPayload(p, round),
  );
}

/** POSTs raw bytes to a hub path; returns status and parsed JSON. */
export async function post(url: string, path: string, body: Buffer | string, type = 'application/octet-stream'): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': type } });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}

/** 120 users in 4 taste groups over 200 items: enough structure for a ranking to be learnt. */
export async function clusteredFile(dir: string): Promise<string> {
  const rand = seededRandom(3);
  const lines = ['userID\tartistID\tweight'];
  for (let u = 0; u < 120; u++) {
    const g = u % 4;
    const seen = new Set<number>();
    while (seen.size < 20) {
      const item = rand() < 0.85 ? g * 50 + Math.floor(rand() ** 2 * 50) : Math.floor(rand() * 200);
      if (seen.has(item)) continue;
      seen.add(item);
      lines.push(`${u}\t${item}\t${1 + Math.floor(rand() * 300)}`);
    }
  }
  const path = join(dir, 'interactions.tsv');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
