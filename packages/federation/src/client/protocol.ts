import { randomBytes } from 'node:crypto';
import { MixtapeError } from '@mixtape/core';
import { rhoOfRound, type LedgerEntry } from '../accountant.js';
import { encodeContribution } from '../codec.js';
import { publicKeyFrom, verifyMessage, type Identity } from '../identity.js';
import { decodeModel, modelMessage, sha256Hex, type PublishedModel } from '../model-file.js';
import { nodeNoiseStd, paramProblems, type FederationParams } from '../params.js';
import { activeRows, packUpdate } from '../packing.js';
import { addGaussianNoise } from '../gaussian.js';
import { clipUpdate, localUpdate, type Interactions } from '../trainer.js';
import { hubRequest, refusalError } from './http.js';

/** What a hub says about itself at /v1/federation. */
export interface FederationInfo {
  params: FederationParams;
  round: number;
  latestVersion: number;
  hubPublicKey: string;
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
export interface VerifiedModel {
  published: PublishedModel;
  body: Buffer;
  table: Float32Array;
  popularity: Float32Array;
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
  const decoded = decodeModel(body.bytes);
  return { published, body: body.bytes, table: decoded.table, popularity: decoded.popularity };
}

/** The privacy cost of one round under these parameters, for the accountant. */
export function roundCost(hub: string, round: number, p: FederationParams): LedgerEntry {
  return { hub, round, rho: rhoOfRound(p.noiseMultiplier), rhoVsHub: rhoOfRound(nodeNoiseStd(p) / (2 * p.clip)) };
}

/**
 * Builds a node's contribution: local training from the global table, clipping, Gaussian noise on
 * every entry (so the hub cannot even tell which rows the node touched), signature.
 */
export function buildContribution(identity: Identity, info: FederationInfo, model: { table: Float32Array; popularity: Float32Array }, x: Interactions): Buffer {
  const table = model.table;
  const p = info.params;
  const u = localUpdate(table, p.rows, p.dim, x, p.countsWeight);
  clipUpdate(u, p.clip);
  // Clipping covers the whole update; packing keeps the public set of rows (see packing.ts).
  const payload = packUpdate(u, activeRows(p, info.round, model.popularity), p.dim);
  addGaussianNoise(payload, nodeNoiseStd(p));
  const nonce = randomBytes(16).toString('hex');
  return encodeContribution(identity, { vocabVersion: p.vocabVersion, round: info.round, nonce, rows: p.rows, dim: p.dim }, payload);
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
