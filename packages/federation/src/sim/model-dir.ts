import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HYBRID_DEFAULTS, saveModel, type Interactions, type ItemFeatures, type Manifest } from '@mixtape/model';
import type { PrivateAlsParams } from '../als/params.js';
import type { PublishedModel } from '../model-file.js';
import type { UserRows } from './interactions.js';

/**
 * Writes what listeners get from the federation in the model package's directory format, so
 * `mixtape model recommend --model DIR` serves it exactly as a listener's machine would: item
 * factors are the pulled table (shared items learned, the tail from public features), each user's
 * vector is solved from that user's own history only, and the score blends in the content (public
 * tag) score of the user's own history at that user's tuned weight.
 */
export function writeModelDir(
  dir: string,
  m: { itemIds: string[]; table: Float32Array; k: number; userFactors: Float32Array; userBlend?: Float32Array; itemPopularity?: Float32Array; history: Interactions; features: ItemFeatures; als: PrivateAlsParams; version: PublishedModel; epsilon: number },
): Manifest {
  const k = m.k;
  return saveModel(dir, {
    model: {
      version: 1,
      k,
      userIds: m.history.userIds,
      itemIds: m.itemIds,
      userFactors: m.userFactors,
      itemFactors: m.table,
      featureTable: new Float32Array(0),
      // The content part reads the public features; there is no feature table (the tail is in itemFactors).
      featureSlots: m.features.slots,
      features: m.features,
      params: { ...HYBRID_DEFAULTS, factors: k, lambda: m.als.lambda, lambdaPerObs: m.als.lambdaPerObs ?? 0, perUserScale: m.als.perUserScale ?? 1, contentBeta: m.als.contentBeta, contentIdfPower: m.als.contentIdfPower, contentItemIdfPower: m.als.contentItemIdfPower ?? m.als.contentIdfPower, popularityBoost: m.itemPopularity ? m.als.popularityBoost : 0 },
    },
    history: m.history,
    ...(m.userBlend ? { userBlend: m.userBlend } : {}),
    ...(m.itemPopularity ? { itemPopularity: m.itemPopularity } : {}),
    extra: { federation: { version: m.version.header.version, sha256: m.version.sha256, vocabVersion: m.version.header.vocabVersion, shared: m.version.header.shared, epsilon: m.epsilon, als: m.als } },
  });
}

/** Writes the split a simulation used: `train.tsv` and `heldout.tsv` (user, item, weight). */
export async function writeSplit(dir: string, train: UserRows[], test: Map<string, Set<string>>): Promise<void> {
  const tr = train.flatMap((u) => u.items.map((it, j) => `${u.user}\t${it}\t${u.counts[j]}`));
  await writeFile(join(dir, 'train.tsv'), `user\titem\tweight\n${tr.join('\n')}\n`);
  const te = [...test].flatMap(([u, items]) => [...items].map((it) => `${u}\t${it}\t1`));
  await writeFile(join(dir, 'heldout.tsv'), `user\titem\tweight\n${te.join('\n')}\n`);
}
