import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join as joinPath } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { Accountant, type LedgerEntry, type PrivacyReport } from '../accountant.js';
import { loadOrCreateIdentity, writePrivateFile } from '../identity.js';
import type { FederationParams } from '../params.js';
import type { Interactions } from '../trainer.js';
import { buildContribution, fetchFederation, fetchModel, roundCost, sendContribution } from './protocol.js';

/** Where a node keeps its identity, hub, ledger and installed global model: $MIXTAPE_CONFIG_DIR/federation. */
export function federationDir(override?: string): string {
  if (override) return override;
  // Read here rather than from pipeline, so that federation does not depend on pipeline.
  const base = process.env.MIXTAPE_CONFIG_DIR || joinPath(process.env.XDG_CONFIG_HOME || joinPath(homedir(), '.config'), 'mixtape');
  return joinPath(base, 'federation');
}

/** A node's saved membership. */
export interface NodeConfig {
  hub: string;
  hubPublicKey: string;
  vocabVersion: string;
  /** Epsilon the user allows over the whole training, and the delta it is reported at. */
  budget: number;
  delta: number;
  ledger: LedgerEntry[];
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

/** Joins a hub: makes (or reuses) the Ed25519 identity, pins the hub's key, saves the budget. */
export async function join(opts: { hub: string; dir?: string; budget?: number; delta?: number }): Promise<{
  nodeId: string;
  identityCreated: boolean;
  hub: string;
  round: number;
  params: FederationParams;
  privacy: PrivacyReport;
}> {
  const dir = federationDir(opts.dir);
  const info = await fetchFederation(opts.hub);
  const { identity, created } = await loadOrCreateIdentity(joinPath(dir, 'identity.pem'));
  let prev: NodeConfig | undefined;
  try {
    prev = await readConfig(dir);
  } catch {
    prev = undefined;
  }
  const config: NodeConfig = {
    hub: opts.hub,
    hubPublicKey: info.hubPublicKey,
    vocabVersion: info.params.vocabVersion,
    budget: opts.budget ?? prev?.budget ?? 8,
    delta: opts.delta ?? prev?.delta ?? 1e-5,
    // Spending is per person, not per hub: the ledger survives re-joining.
    ledger: prev?.ledger ?? [],
  };
  await writeConfig(dir, config);
  const privacy = new Accountant(config.budget, config.delta, config.ledger).report();
  return { nodeId: identity.id, identityCreated: created, hub: opts.hub, round: info.round, params: info.params, privacy };
}

/**
 * Publishes one contribution to the open round: trains from the global model of the round before,
 * clips, noises, signs and sends it. Refuses before sending anything when the round would take the
 * node past its privacy budget.
 */
export async function publish(opts: { dir?: string; interactions: Interactions }): Promise<{
  round: number;
  accepted: number;
  needed: number;
  payloadBytes: number;
  privacy: PrivacyReport;
}> {
  const dir = federationDir(opts.dir);
  const config = await readConfig(dir);
  if (opts.interactions.rows.length === 0)
    throw new MixtapeError('nothing_to_publish', 'There are no plays to learn from', { suggestion: 'import some listening history first' });
  const { identity } = await loadOrCreateIdentity(joinPath(dir, 'identity.pem'));
  const info = await fetchFederation(config.hub);
  if (info.hubPublicKey !== config.hubPublicKey)
    throw new MixtapeError('hub_key_changed', `The hub at ${config.hub} now signs with another key`, { suggestion: 'run `mixtape federation join` again if you trust the change' });
  const accountant = new Accountant(config.budget, config.delta, config.ledger);
  const cost = roundCost(config.hub, info.round, info.params);
  if (config.ledger.some((e) => e.hub === config.hub && e.round === info.round))
    throw new MixtapeError('already_published', `This node already published to round ${info.round}`, { suggestion: 'wait for the round to close, then pull and publish again' });
  if (!accountant.allows(cost)) {
    const r = accountant.report([cost]);
    throw new MixtapeError('privacy_budget_exhausted', `Publishing to round ${info.round} would spend epsilon ${r.epsilon.toFixed(2)}, over your budget of ${config.budget}`, {
      suggestion: 'raise the budget with `mixtape federation join --hub URL --budget E` only if you accept the extra privacy loss',
    });
  }
  const model = await fetchModel(config.hub, config.hubPublicKey, info.round - 1);
  const body = buildContribution(identity, info, model, opts.interactions);
  // Spent before sending: once noise is released, the privacy is gone whether or not the hub keeps it.
  accountant.spend(cost);
  await writeConfig(dir, { ...config, ledger: accountant.entries });
  const ack = await sendContribution(config.hub, info.round, body);
  return { ...ack, payloadBytes: body.length, privacy: accountant.report() };
}

/** Downloads the latest version, verifies hash and signature, and installs it atomically. */
export async function pull(opts: { dir?: string } = {}): Promise<{ version: number; sha256: string; installedAt: string; changed: boolean }> {
  const dir = federationDir(opts.dir);
  const config = await readConfig(dir);
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
  return { version: model.published.header.version, sha256: model.published.sha256, installedAt: target, changed: current !== model.published.sha256 };
}

/** The node's privacy spending so far. */
export async function privacyStatus(opts: { dir?: string } = {}): Promise<PrivacyReport & { hub: string }> {
  const config = await readConfig(federationDir(opts.dir));
  return { hub: config.hub, ...new Accountant(config.budget, config.delta, config.ledger).report() };
}
