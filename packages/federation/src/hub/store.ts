import type { PublishedModel } from '../model-file.js';

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
  /** Visits every contribution of a round in node id order. */
  forEachPayload(round: number, visit: (nodeId: string, payload: Float32Array) => void): Promise<void>;
  /** Runs fn if this process wins the right to aggregate the round; false when another holds it. */
  withAggregationLock(round: number, fn: () => Promise<void>): Promise<boolean>;
  /** Saves version `round` (idempotent), opens the next round and drops the round's raw contributions. */
  saveVersion(round: number, v: StoredVersion): Promise<void>;
  getVersion(version: number): Promise<StoredVersion | undefined>;
  close(): Promise<void>;
}
