import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeContribution } from './codec.js';
import { newIdentity, type Identity } from './identity.js';
import { defaultParams, startHub, type RunningHub } from './hub/run.js';
import { addGaussianNoise } from './gaussian.js';
import { nodeNoiseStd, updateLength, type FederationParams } from './params.js';
import { randomBytes } from 'node:crypto';

/** A small federation for tests: 64 rows x 4, aggregation at `minContributors`. */
export function testParams(over: Partial<FederationParams> = {}): FederationParams {
  return defaultParams({ rows: 64, dim: 4, minContributors: 5, noiseMultiplier: 1, trimFraction: 0, ...over });
}

/** A hub on a random loopback port with a fresh store folder. */
export async function testHub(params: FederationParams, opts: { db?: string; burst?: number; perMinute?: number; dir?: string; keyPath?: string } = {}): Promise<RunningHub & { dir: string }> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'mixtape-hub-test-')));
  const hub = await startHub({ port: 0, dir, params, ...opts });
  const stop = hub.stop.bind(hub);
  return Object.assign(hub, {
    dir,
    async stop() {
      await stop();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  });
}

/** An honest-looking payload: a small signal in the first rows, plus the required noise. */
export function honestPayload(p: FederationParams, entries = updateLength(p)): Float32Array {
  const u = new Float32Array(entries);
  u[0] = 0.5;
  u[entries - p.rows] = 0.5;
  addGaussianNoise(u, nodeNoiseStd(p));
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
      rows: opts.rows ?? p.rows,
      dim: opts.dim ?? p.dim,
    },
    opts.payload ?? honestPayload(p),
  );
}

/** POSTs raw bytes to a hub path; returns status and parsed JSON. */
export async function post(url: string, path: string, body: Buffer | string, type = 'application/octet-stream'): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': type } });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}
