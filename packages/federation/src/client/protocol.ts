import { randomBytes } from 'node:crypto';
import { MixtapeError } from '@mixtape/core';
import { rhoOfRound, type LedgerEntry } from '../accountant.js';
import { sharedRows } from '../als/hub-step.js';
import { addItemStepStats, countContribution, gram, itemStepStats, type Listens } from '../als/node-step.js';
import { encodeContribution } from '../codec.js';
import { publicKeyFrom, verifyMessage, type Identity } from '../identity.js';
import { decodeModel, modelMessage, sha256Hex, type ModelArrays, type PublishedModel } from '../model-file.js';
import { nodeNoiseStd, noiseMultiplier, paramProblems, payloadLength, type FederationParams } from '../params.js';
import { addGaussianNoise } from '../gaussian.js';
import { vocabulary, type Vocabulary } from '../vocab.js';
import { secureRoundRho } from '../secagg/round-plan.js';
import { hubRequest, refusalError } from './http.js';

/** What a hub says about itself at /v1/federation. */
export interface FederationInfo {
  params: FederationParams;
  round: number;
  latestVersion: number;
  hubPublicKey: string;
  /** 'invitation' when the hub admits invited identities only. */
  admission?: 'invitation' | 'open';
}

/** Reads and checks a hub's parameters. */
export async function fetchFederation(hub: string): Promise<FederationInfo> {
  const r = await hubRequest(hub, 'v1/federation');
  if (r.status !== 200) throw refusalError('to describe the federation', r);
  const info = r.json as FederationInfo;
  const problems = paramProblems(info.params);
  if (problems.length > 0 || !publicKeyFrom(info.hubPublicKey))
    throw new MixtapeError('hub_bad_parameters', `The hub at ${hub} publishes unusable parameters: ${problems.join('; ') || 'bad hub key'}`);
  return info;
}

/** A verified global model. */
export interface VerifiedModel extends ModelArrays {
  published: PublishedModel;
  body: Buffer;
}

/** Downloads the federation's public vocabulary and checks it is the one the parameters name. */
export async function fetchVocabulary(hub: string, expectedVersion: string): Promise<Vocabulary> {
  const r = await hubRequest(hub, 'v1/vocabulary', { timeoutMs: 120_000 });
  if (r.status !== 200) throw refusalError('the vocabulary', r);
  const body = r.json as { keys?: unknown; names?: unknown };
  const keys = Array.isArray(body.keys) ? body.keys.map(String) : [];
  const names = Array.isArray(body.names) && body.names.length === keys.length ? body.names.map(String) : undefined;
  const v = vocabulary(keys, names);
  if (v.version !== expectedVersion)
    throw new MixtapeError('hub_bad_vocabulary', `The hub at ${hub} serves vocabulary ${v.version}, not the ${expectedVersion} its parameters name`, {
      suggestion: 'the hub is misconfigured or changing; try again later',
    });
  return v;
}

/** Downloads a version and checks its hash and the hub's signature (with the key pinned at join). */
export async function fetchModel(hub: string, hubPublicKey: string, version: number | 'latest'): Promise<VerifiedModel> {
  const meta = await hubRequest(hub, `v1/models/${version}`);
  if (meta.status !== 200) throw refusalError(`model version ${version}`, meta);
  const published = meta.json as PublishedModel;
  const n = published.header.version;
  const key = publicKeyFrom(hubPublicKey)!;
  if (!verifyMessage(key, modelMessage(n, published.sha256), published.signature))
    throw new MixtapeError('model_bad_signature', `Model version ${n} is not signed by the hub key pinned at join`, {
      suggestion: 'do not install it; if the hub changed keys on purpose, run `mixtape federation join` again',
    });
  const body = await hubRequest(hub, `v1/models/${n}/body`, { timeoutMs: 120_000 });
  if (body.status !== 200) throw refusalError(`model version ${n}`, body);
  if (sha256Hex(body.bytes) !== published.sha256)
    throw new MixtapeError('model_hash_mismatch', `Model version ${n} does not match its published SHA-256`, {
      suggestion: 'pull again; if it persists the hub or the network is corrupting data',
    });
  const { header: _h, ...arrays } = decodeModel(body.bytes);
  return { published, body: body.bytes, ...arrays };
}

/**
 * The privacy cost of one round for the accountant. Against anyone who sees the published sums the
 * round's noise multiplier z counts; against the hub, which sees this node's update with only its
 * own share of the noise (z / sqrt(minContributors)), far less protection is left. Under secure
 * aggregation the hub sees only the sum: both costs are the discrete Gaussian sum's.
 */
export function roundCost(hub: string, round: number, p: FederationParams, attempt?: number): LedgerEntry {
  // Securely aggregated: the hub sees only the sum, so both costs are the sum's.
  if (p.secureAggregation) {
    const rho = secureRoundRho(p, round);
    return { hub, round, rho, rhoVsHub: rho, ...(attempt !== undefined ? { attempt } : {}) };
  }
  const z = noiseMultiplier(p, round);
  return { hub, round, rho: rhoOfRound(z), rhoVsHub: rhoOfRound(z / Math.sqrt(p.minContributors)) };
}

/**
 * A node's payload for a round, before noise: round 1, its selection counts; later rounds, its
 * item-step statistics against the previous version's shared factors (rhs, then Σ û ûᵀ, then the
 * per-item Gramians when the federation shares them). Dense, so zeros look like everything else once noised.
 */
export function localPayload(p: FederationParams, round: number, previous: ModelArrays, x: Listens): Float32Array {
  if (round <= 1) return countContribution(x, p.vocabSize, p.als.itemsPerNode);
  const k = p.als.dim;
  const s = previous.shared.length;
  const out = new Float32Array(payloadLength(p, round));
  const stats = itemStepStats(x, sharedRows(previous.shared, p.vocabSize), previous.sharedTable, gram(previous.sharedTable, s, k), p.als);
  const rhs = out.subarray(0, s * k);
  const userGram = out.subarray(s * k, s * k + k * k);
  addItemStepStats(stats, k, rhs, p.als.itemGram ? out.subarray(s * k + k * k) : undefined, userGram);
  return out;
}

/** Builds a node's contribution: its payload, its share of the Gaussian noise on every entry, signature. */
export function buildContribution(identity: Identity, info: FederationInfo, previous: ModelArrays, x: Listens, invitation?: string): Buffer {
  const p = info.params;
  const payload = localPayload(p, info.round, previous, x);
  addGaussianNoise(payload, nodeNoiseStd(p, info.round));
  const nonce = randomBytes(16).toString('hex');
  return encodeContribution(identity, { vocabVersion: p.vocabVersion, round: info.round, nonce, rows: p.vocabSize, dim: p.als.dim, ...(invitation ? { invitation } : {}) }, payload);
}

/** Sends a contribution; resolves with the hub's 202 answer or throws its refusal. */
export async function sendContribution(hub: string, round: number, body: Buffer): Promise<{ round: number; accepted: number; needed: number }> {
  const r = await hubRequest(hub, `v1/rounds/${round}/contributions`, { method: 'POST', body, timeoutMs: 120_000 });
  const code = (r.json as { error?: { code?: string } } | undefined)?.error?.code;
  // The first attempt reached the hub even though its answer was lost: it is stored.
  if (r.retried && r.status === 409 && (code === 'duplicate_contribution' || code === 'replay')) return { round, accepted: -1, needed: -1 };
  if (r.status !== 202) throw refusalError('the contribution', r);
  return r.json as { round: number; accepted: number; needed: number };
}
