import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HYBRID_DEFAULTS, saveModel, type Manifest } from '@mixtape/model';
import type { PublishedModel } from '../model-file.js';
import type { FederationParams } from '../params.js';
import { confidence, userVector } from '../trainer.js';
import type { Catalogue } from './evaluate.js';
import type { UserRows } from './interactions.js';

/**
 * Writes the federated model in the model package's directory format (manifest.json and typed
 * arrays), so `mixtape model recommend --model DIR` serves it: item factors are the catalogue's
 * rows of the global table, user factors the fold-in a node computes (sum of its unit-L2,
 * log1p-weighted item rows), no content features (contentBeta 0).
 */
export function writeModelDir(
  dir: string,
  m: { table: Float32Array; params: FederationParams; catalogue: Catalogue; version: PublishedModel; train: UserRows[] },
): Manifest {
  const { dim } = m.params;
  const cat = m.catalogue;
  const itemFactors = new Float32Array(cat.items.length * dim);
  cat.items.forEach((_, i) => itemFactors.set(m.table.subarray(cat.rows[i]! * dim, (cat.rows[i]! + 1) * dim), i * dim));
  const index = new Map(cat.items.map((it, i) => [it, i]));
  const userFactors = new Float32Array(m.train.length * dim);
  const indptr = new Int32Array(m.train.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  m.train.forEach((u, k) => {
    const rows = Int32Array.from(u.items, (it) => cat.rowOf.get(it)!);
    userFactors.set(userVector(m.table, dim, { rows, weights: confidence(u.counts) }), k * dim);
    const order = u.items.map((it, j) => [index.get(it)!, u.counts[j]!] as const).sort((a, b) => a[0] - b[0]);
    for (const [i, c] of order) {
      indices.push(i);
      values.push(c);
    }
    indptr[k + 1] = indices.length;
  });
  const userIds = m.train.map((u) => u.user);
  return saveModel(dir, {
    model: {
      version: 1,
      k: dim,
      userIds,
      itemIds: cat.items,
      userFactors,
      itemFactors,
      featureTable: new Float32Array(0),
      featureSlots: 0,
      features: { slots: 0, indptr: new Int32Array(cat.items.length + 1), indices: new Int32Array(0), weights: new Float32Array(0) },
      params: { ...HYBRID_DEFAULTS, factors: dim, iterations: m.version.header.version, contentBeta: 0 },
    },
    history: { userIds, itemIds: cat.items, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) },
    extra: {
      federation: {
        version: m.version.header.version,
        sha256: m.version.sha256,
        vocabVersion: m.params.vocabVersion,
        accepted: m.version.header.accepted,
        kept: m.version.header.kept,
        noiseMultiplier: m.params.noiseMultiplier,
      },
    },
  });
}

/** Writes the split a simulation used: `train.tsv` and `heldout.tsv` (user, item, weight). */
export async function writeSplit(dir: string, train: UserRows[], test: Map<string, Set<string>>): Promise<void> {
  const tr = train.flatMap((u) => u.items.map((it, j) => `${u.user}\t${it}\t${u.counts[j]}`));
  await writeFile(join(dir, 'train.tsv'), `user\titem\tweight\n${tr.join('\n')}\n`);
  const te = [...test].flatMap(([u, items]) => [...items].map((it) => `${u}\t${it}\t1`));
  await writeFile(join(dir, 'heldout.tsv'), `user\titem\tweight\n${te.join('\n')}\n`);
}
