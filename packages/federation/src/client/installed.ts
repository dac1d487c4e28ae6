import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join as joinPath } from 'node:path';
import type { LedgerEntry } from '../accountant.js';
import type { GlobalModel } from '../als/listener.js';
import { decodeModel } from '../model-file.js';
import type { FederationParams } from '../params.js';
import { vocabulary } from '../vocab.js';

// What serving needs of a node's folder, apart from joining and publishing (node.ts): a listener's
// `recommend` loads this, not the protocol client, the hub or secure aggregation.

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
  /** The federation's parameters as last seen (for serving a pulled model offline). */
  params?: FederationParams;
  /** The invitation the hub's operator gave, for hubs that admit invited identities only. */
  invitation?: string;
  /** True only when the listener opted out (`join --no-require-secure-aggregation`): publish to a hub that sees each update. */
  allowInsecureHub?: boolean;
}

export const vocabPath = (dir: string) => joinPath(dir, 'vocabulary.json');

/**
 * The installed global model, ready to score on this machine; undefined when none was pulled, it
 * has no learned factors yet, or its files do not agree (serving then works as without a federation).
 */
export async function loadInstalledModel(opts: { dir?: string } = {}): Promise<GlobalModel | undefined> {
  const dir = federationDir(opts.dir);
  try {
    const config = JSON.parse(await readFile(joinPath(dir, 'node.json'), 'utf8')) as NodeConfig;
    const saved = JSON.parse(await readFile(vocabPath(dir), 'utf8')) as { keys: string[]; names: string[] };
    const vocab = vocabulary(saved.keys, saved.names);
    const m = decodeModel(await readFile(joinPath(dir, 'global', 'model.bin')));
    if (!config.params || m.header.stage !== 'factors' || m.header.vocabVersion !== vocab.version) return undefined;
    const k = m.header.dim;
    // Without public features at the hub only the shared items have factors; the rest stay zero.
    let table = m.table;
    if (!table) {
      const t = new Float32Array(vocab.keys.length * k);
      m.shared.forEach((i, r) => t.set(m.sharedTable.subarray(r * k, (r + 1) * k), i * k));
      table = t;
    }
    return { version: m.header.version, dim: m.table ? m.header.tableDim : k, keys: vocab.keys, names: vocab.names, table, shared: m.shared, als: config.params.als };
  } catch {
    return undefined;
  }
}
