import type { PublishedModel } from '../model-file.js';
import { addInto } from '../secagg/encode.js';
import { bytesVector } from '../secagg/wire.js';

/** A stored global model version: what was published about it and its body. */
export interface StoredVersion {
  published: PublishedModel;
  body: Buffer;
}

/** A contribution the store refuses: a duplicate for the round, a replayed nonce, or a closed round. */
export class StoreConflict extends Error {
  constructor(
    readonly code: 'duplicate_contribution' | 'replay' | 'round_closed',
    message: string,
  ) {
    super(message);
  }
}

/** One step of one attempt of a securely aggregated round (steps 0–3; ABORTED marks an abandoned attempt). */
export interface StepKey {
  round: number;
  attempt: number;
  step: number;
}

/** The marker step of an abandoned attempt: closing it abandons the attempt. */
export const ABORTED = 9;

/**
 * The step of the masked inputs. The unmasking needs only who sent one and their sum modulo 2^32,
 * so a store may fold their bodies into a running sum as they arrive: they are read with
 * `stepSenders` and `stepSum`, never one by one.
 */
export const MASKED = 2;

/** Adds one masked input (uint32 words, little-endian) into a step's sum, modulo 2^32. */
export function addMasked(sum: Uint32Array, body: Buffer): void {
  if (body.length !== sum.length * 4) throw new Error(`a masked input of ${body.length} bytes in a sum of ${sum.length} words`);
  addInto(sum, bytesVector(body));
}

/** A stored protocol message: who sent it, the bytes, and when it was stored (ms since the epoch). */
export interface StepMessage {
  nodeId: string;
  body: Buffer;
  at: number;
}

/**
 * Where a hub keeps contributions and versions. Round r is open while version r-1 is the latest;
 * every accepted contribution is durable before `addContribution` resolves.
 */
export interface HubStore {
  /** Latest published version; 0 means only the public initial table exists. */
  latestVersion(): Promise<number>;
  /** Stores one accepted contribution; resolves with the round's count once it is durable. */
  addContribution(round: number, nodeId: string, nonce: string, payload: Buffer, roundSize: number): Promise<number>;
  countRound(round: number): Promise<number>;
  /** No more contributions are taken for the round after this resolves. */
  closeRound(round: number): Promise<void>;
  isClosed(round: number): Promise<boolean>;
  /**
   * Visits what the round's contributions add up to: each contribution (in node id order), or partial
   * sums of some of them (a store may fold them as they arrive); `countRound` says how many there were.
   */
  forEachPayload(round: number, visit: (id: string, payload: Float32Array | Float64Array) => void): Promise<void>;
  /** Runs fn if this process wins the right to aggregate the round; false when another holds it. */
  withAggregationLock(round: number, fn: () => Promise<void>): Promise<boolean>;
  /** Saves version `round` (idempotent), opens the next round and drops the round's raw contributions. */
  saveVersion(round: number, v: StoredVersion): Promise<void>;
  getVersion(version: number): Promise<StoredVersion | undefined>;
  /** Secure aggregation: stores one node's message for a step, durable on resolve, with the step's count; refuses a second one (duplicate) and any after the step closed. */
  addStepMessage(k: StepKey, nodeId: string, body: Buffer): Promise<number>;
  /** A step's messages with their bodies, in node id order; not for the masked inputs (`MASKED`), whose bodies may be folded. */
  stepMessages(k: StepKey): Promise<StepMessage[]>;
  /** Who sent a step's messages and when, without their bodies (node id order). */
  stepSenders(k: StepKey): Promise<Array<Omit<StepMessage, 'body'>>>;
  /** The sum modulo 2^32 of a step's bodies, each `dim` uint32 words (the masked inputs: what the unmasking reads of them). */
  stepSum(k: StepKey, dim: number): Promise<Uint32Array>;
  /** Closes a step (the first close wins; messages in flight are in or refused) and resolves with when it closed. */
  closeStep(k: StepKey): Promise<number>;
  stepClosedAt(k: StepKey): Promise<number | undefined>;
  /** Admission: records `nodeId` under an invitation unless `max` other identities hold it; true when admitted (again). */
  admit(invitation: string, nodeId: string, max: number): Promise<boolean>;
  close(): Promise<void>;
}
