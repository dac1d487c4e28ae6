import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { MixtapeError, type ProgressFn } from '@mixtape/core';
import { Accountant, type PrivacyReport } from '../accountant.js';
import { loadOrCreateIdentity, writePrivateFile, type Identity } from '../identity.js';
import type { Listens } from '../als/node-step.js';
import { readInvitation } from '../hub/invitation.js';
import { secureRound } from './secagg-publish.js';
import { federationDir, vocabPath, type NodeConfig } from './installed.js';
import type { PublishedModel } from '../model-file.js';
import { lastRound, type FederationParams } from '../params.js';
import { listensFromPlays, type PlayedTrack } from '../plays.js';
import { vocabIndex, vocabulary, type Vocabulary } from '../vocab.js';
import { buildContribution, fetchFederation, fetchModel, fetchVocabulary, roundCost, sendContribution, type FederationInfo } from './protocol.js';

/** Refuses a hub without secure aggregation unless the listener opted out: such a hub sees each update with only this node's share of the noise. */
function requireSecure(hub: string, params: FederationParams, allowInsecure: boolean | undefined): void {
  if (params.secureAggregation || allowInsecure) return;
  throw new MixtapeError('insecure_hub', `The hub at ${hub} does not run secure aggregation: it would see your update with only your share of the noise (epsilon in the thousands against the hub)`, {
    suggestion: 'use a hub started with secure aggregation, or join with --no-require-secure-aggregation if you trust this hub\'s operator',
  });
}

/** The vocabulary saved at join or pull, refetched when the hub's has changed. */
async function localVocabulary(dir: string, hub: string, version: string): Promise<Vocabulary> {
  try {
    const saved = JSON.parse(await readFile(vocabPath(dir), 'utf8')) as { keys: string[]; names: string[] };
    const v = vocabulary(saved.keys, saved.names);
    if (v.version === version) return v;
  } catch {
    // Missing or damaged: fetch it again.
  }
  const v = await fetchVocabulary(hub, version);
  await writePrivateFile(vocabPath(dir), JSON.stringify({ version: v.version, keys: v.keys, names: v.names }));
  return v;
}

async function readConfig(dir: string): Promise<NodeConfig> {
  try {
    return JSON.parse(await readFile(joinPath(dir, 'node.json'), 'utf8')) as NodeConfig;
  } catch (cause) {
    throw new MixtapeError('federation_not_joined', 'This machine has not joined a federation', {
      suggestion: 'run `mixtape federation join --hub URL` first',
      cause,
    });
  }
}

const writeConfig = (dir: string, c: NodeConfig) => writePrivateFile(joinPath(dir, 'node.json'), `${JSON.stringify(c, null, 2)}\n`);

/** A hub URL, budget and delta that can be used, or a clear error before any request. */
function checkJoinOptions(o: { hub: string; budget?: number; delta?: number }): void {
  let url: URL | undefined;
  try {
    url = new URL(o.hub);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new MixtapeError('invalid_hub_url', `"${o.hub}" is not a hub URL`, { suggestion: "pass the hub's base URL, for example http://127.0.0.1:8787 or https://hub.example.org" });
  if (o.budget !== undefined && !(Number.isFinite(o.budget) && o.budget > 0))
    throw new MixtapeError('invalid_budget', `A privacy budget must be a positive epsilon, not ${o.budget}`, { suggestion: 'pass one such as --budget 8 (smaller is more private)' });
  if (o.delta !== undefined && !(o.delta > 0 && o.delta <= 0.1))
    throw new MixtapeError('invalid_budget', `Delta must be above 0 and at most 0.1, not ${o.delta}`, { suggestion: 'leave it out (1e-5), or pass one such as --delta 1e-6' });
}

/** Joins a hub: makes (or reuses) the Ed25519 identity, pins the hub's key, saves the budget. */
export async function join(opts: { hub: string; dir?: string; budget?: number; delta?: number; invitation?: string; requireSecureAggregation?: boolean }): Promise<{
  nodeId: string;
  identityCreated: boolean;
  hub: string;
  round: number;
  params: FederationParams;
  privacy: PrivacyReport;
}> {
  const dir = federationDir(opts.dir);
  checkJoinOptions(opts);
  const info = await fetchFederation(opts.hub);
  // Checked before anything is written: a refused hub leaves no state behind.
  requireSecure(opts.hub, info.params, opts.requireSecureAggregation === false);
  let prev: NodeConfig | undefined;
  try {
    prev = await readConfig(dir);
  } catch {
    prev = undefined;
  }
  const invitation = opts.invitation ?? prev?.invitation;
  if (info.admission === 'invitation') {
    // The hub signs its invitations: a missing, forged or expired one is refused here, before the first round.
    const r = readInvitation(invitation, info.hubPublicKey);
    if (!r.ok)
      throw new MixtapeError('hub_invitation_required', `The hub at ${opts.hub} admits invited listeners only: ${r.reason}`, {
        suggestion: 'ask the hub operator for an invitation (`mixtape federation invite`) and pass it to `mixtape federation join --invitation`',
      });
  }
  const { identity, created } = await loadOrCreateIdentity(joinPath(dir, 'identity.pem'));
  await localVocabulary(dir, opts.hub, info.params.vocabVersion);
  const config: NodeConfig = {
    params: info.params,
    hub: opts.hub,
    hubPublicKey: info.hubPublicKey,
    vocabVersion: info.params.vocabVersion,
    budget: opts.budget ?? prev?.budget ?? 8,
    delta: opts.delta ?? prev?.delta ?? 1e-5,
    // Spending is per person, not per hub: the ledger survives re-joining.
    ledger: prev?.ledger ?? [],
    ...(invitation ? { invitation } : {}),
    ...(opts.requireSecureAggregation === false ? { allowInsecureHub: true } : {}),
  };
  await writeConfig(dir, config);
  const privacy = new Accountant(config.budget, config.delta, config.ledger).report();
  return { nodeId: identity.id, identityCreated: created, hub: opts.hub, round: info.round, params: info.params, privacy };
}

/**
 * Publishes one contribution to the open round: maps the node's plays to the vocabulary, computes
 * its statistics against the version before (locally: the listener's vector never leaves), clips,
 * noises, signs and sends them. Refuses before sending anything when the round would take the node
 * past its privacy budget, or when the training has finished.
 */
export async function publish(opts: {
  dir?: string;
  tracks: PlayedTrack[];
  onProgress?: ProgressFn;
  /** How often a securely aggregated round asks whether its next step opened (default: what the hub asks for). */
  pollMs?: number;
}): Promise<{
  round: number;
  accepted: number;
  needed: number;
  payloadBytes: number;
  privacy: PrivacyReport;
}> {
  const dir = federationDir(opts.dir);
  const config = await readConfig(dir);
  const { identity } = await loadOrCreateIdentity(joinPath(dir, 'identity.pem'));
  const info = await fetchFederation(config.hub);
  if (info.round > lastRound(info.params))
    throw new MixtapeError('training_finished', `The federation at ${config.hub} finished its training at round ${lastRound(info.params)}`, {
      suggestion: 'run `mixtape federation pull` to use the final model',
    });
  const listens = listensFromPlays(vocabIndex(await localVocabulary(dir, config.hub, info.params.vocabVersion)), opts.tracks);
  if (listens.items.length === 0)
    throw new MixtapeError('nothing_to_publish', 'None of your plays is in the federation\'s vocabulary', { suggestion: 'import some listening history first, or join a federation whose vocabulary covers your music' });
  if (info.hubPublicKey !== config.hubPublicKey)
    throw new MixtapeError('hub_key_changed', `The hub at ${config.hub} now signs with another key`, { suggestion: 'run `mixtape federation join` again if you trust the change' });
  const accountant = new Accountant(config.budget, config.delta, config.ledger);
  const cost = roundCost(config.hub, info.round, info.params);
  // The hub may have restarted without secure aggregation since this node joined.
  requireSecure(config.hub, info.params, config.allowInsecureHub);
  if (info.params.secureAggregation) return publishSecure(dir, config, accountant, identity, info, listens, opts.onProgress, opts.pollMs);
  if (config.ledger.some((e) => e.hub === config.hub && e.round === info.round))
    throw new MixtapeError('already_published', `This node already published to round ${info.round}`, { suggestion: 'wait for the round to close, then pull and publish again' });
  if (!accountant.allows(cost)) {
    const r = accountant.report([cost]);
    throw new MixtapeError('privacy_budget_exhausted', `Publishing to round ${info.round} would spend epsilon ${r.epsilon.toFixed(2)}, over your budget of ${config.budget}`, {
      suggestion: 'raise the budget with `mixtape federation join --hub URL --budget E` only if you accept the extra privacy loss',
    });
  }
  const model = await fetchModel(config.hub, config.hubPublicKey, info.round - 1);
  const body = buildContribution(identity, info, model, listens, config.invitation);
  // Spent before sending: once noise is released, the privacy is gone whether or not the hub keeps it.
  accountant.spend(cost);
  await writeConfig(dir, { ...config, params: info.params, ledger: accountant.entries });
  const ack = await sendContribution(config.hub, info.round, body);
  return { ...ack, payloadBytes: body.length, privacy: accountant.report() };
}

/**
 * Publishes through secure aggregation: the accountant spends (for this round and attempt) just
 * before the masked input leaves. A node takes part in at most one attempt that got its input.
 */
async function publishSecure(dir: string, config: NodeConfig, accountant: Accountant, identity: Identity, info: FederationInfo, listens: Listens, onProgress: ProgressFn | undefined, pollMs: number | undefined) {
  const model = await fetchModel(config.hub, config.hubPublicKey, info.round - 1);
  const r = await secureRound({
    hub: config.hub,
    identity,
    info,
    previous: model,
    listens,
    ...(config.invitation ? { invitation: config.invitation } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(pollMs !== undefined ? { pollMs } : {}),
    beforeInput: async (attempt) => {
      const cost = roundCost(config.hub, info.round, info.params, attempt);
      if (config.ledger.some((e) => e.hub === config.hub && e.round === info.round && e.attempt === attempt))
        throw new MixtapeError('already_published', `This node already sent its input to round ${info.round}`, { suggestion: 'wait for the round to close, then pull and publish again' });
      if (!accountant.allows(cost)) throw new MixtapeError('privacy_budget_exhausted', `Publishing to round ${info.round} would take you over your budget of ${config.budget}`, { suggestion: 'raise the budget with `mixtape federation join --hub URL --budget E` only if you accept the extra privacy loss' });
      accountant.spend(cost);
      await writeConfig(dir, { ...config, params: info.params, ledger: accountant.entries });
    },
  });
  return { round: r.round, accepted: r.survivors, needed: info.params.minContributors, payloadBytes: r.bytesUp, privacy: accountant.report() };
}

/** Downloads the latest version, verifies hash and signature, and installs it atomically. */
export async function pull(opts: { dir?: string } = {}): Promise<{ version: number; sha256: string; installedAt: string; changed: boolean; stage: string; final: boolean }> {
  const dir = federationDir(opts.dir);
  const config = await readConfig(dir);
  const info = await fetchFederation(config.hub);
  await localVocabulary(dir, config.hub, info.params.vocabVersion);
  await writeConfig(dir, { ...config, params: info.params });
  const model = await fetchModel(config.hub, config.hubPublicKey, 'latest');
  const target = joinPath(dir, 'global');
  await mkdir(target, { recursive: true });
  let current: string | undefined;
  try {
    current = (JSON.parse(await readFile(joinPath(target, 'model.json'), 'utf8')) as { sha256: string }).sha256;
  } catch {
    current = undefined;
  }
  if (current !== model.published.sha256) {
    await writeFile(joinPath(target, 'model.bin.tmp'), model.body);
    await rename(joinPath(target, 'model.bin.tmp'), joinPath(target, 'model.bin'));
    await writeFile(joinPath(target, 'model.json.tmp'), JSON.stringify(model.published, null, 2));
    await rename(joinPath(target, 'model.json.tmp'), joinPath(target, 'model.json'));
  }
  const h = model.published.header;
  return { version: h.version, sha256: model.published.sha256, installedAt: target, changed: current !== model.published.sha256, stage: h.stage, final: h.version >= lastRound(info.params) };
}

/** The node's privacy spending so far. */
export async function privacyStatus(opts: { dir?: string } = {}): Promise<PrivacyReport & { hub: string; securelyAggregated: number; installedVersion?: number; installedStage?: string }> {
  const dir = federationDir(opts.dir);
  const config = await readConfig(dir);
  const out: PrivacyReport & { hub: string; securelyAggregated: number; installedVersion?: number; installedStage?: string } = {
    hub: config.hub,
    ...new Accountant(config.budget, config.delta, config.ledger).report(),
    // Ledger entries of securely aggregated rounds carry their attempt.
    securelyAggregated: config.ledger.filter((e) => e.attempt !== undefined).length,
  };
  try {
    const meta = JSON.parse(await readFile(joinPath(dir, 'global', 'model.json'), 'utf8')) as PublishedModel;
    out.installedVersion = meta.header.version;
    out.installedStage = meta.header.stage;
  } catch {
    // Nothing pulled yet.
  }
  return out;
}
