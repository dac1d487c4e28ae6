import { Flags } from '../../oclif.js';
import { EVAL_DATASETS, evalDataset, formatComparison, type Comparison } from '@mixtape/pipeline/model-io';
import { MixtapeCommand } from '../../base-command.js';

export default class ModelEval extends MixtapeCommand<typeof ModelEval> {
  static override summary = 'Evaluate the model and baselines on a public dataset';
  static override description =
    "One per-user random 80/20 split (seeded); popularity, item-kNN, iALS and the hybrid model (float32 and int8) are fitted on it and scored by the same metric code: NDCG, Recall, Precision at K and catalogue coverage. HetRec's tags are its users' own, so the hybrid's tag features leave out every tag a user put on one of their held-out artists.";
  static override examples = [
    '<%= config.bin %> model eval --dataset hetrec-lastfm-2k --path ../shared/data/hetrec-lastfm-2k',
    '<%= config.bin %> model eval --dataset hetrec-lastfm-2k --path ./hetrec --seed 7 --json',
  ];
  static override flags = {
    dataset: Flags.string({ required: true, options: [...EVAL_DATASETS], description: 'which public dataset' }),
    path: Flags.string({ required: true, description: "folder holding the dataset's files" }),
    seed: Flags.integer({ default: 42, description: 'seed of the split and of every model' }),
    k: Flags.integer({ default: 10, min: 1, description: 'cut-off K of the metrics' }),
  };

  async run(): Promise<Comparison> {
    const f = this.flags;
    const result = await evalDataset({ dataset: f.dataset, path: f.path, seed: f.seed, k: f.k, onProgress: this.progress() });
    if (!this.jsonEnabled()) this.log(formatComparison(result));
    return result;
  }
}
