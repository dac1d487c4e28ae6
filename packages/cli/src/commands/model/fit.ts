import { Flags } from '../../oclif.js';
import { fitFromFile, type FitSummary } from '@mixtape/pipeline/model-io';
import { MixtapeCommand } from '../../base-command.js';

export default class ModelFit extends MixtapeCommand<typeof ModelFit> {
  static override summary = 'Fit the hybrid recommender on an interactions file';
  static override description =
    'Reads user,item,weight[,ts] rows (CSV with a header, or Parquet) and optional item,feature[,weight] rows (tags, artist), trains the hybrid implicit-feedback model and writes a model directory (manifest.json + binary tables).';
  static override examples = [
    '<%= config.bin %> model fit --interactions plays.csv --out ./model',
    '<%= config.bin %> model fit --interactions plays.parquet --item-features tags.csv --out ./model --quantize int8',
    '<%= config.bin %> model fit --interactions plays.csv --out ./model --threads 1',
  ];
  static override flags = {
    interactions: Flags.string({ required: true, description: 'CSV or Parquet file with columns user,item,weight[,ts]' }),
    'item-features': Flags.string({ description: 'CSV or Parquet file with columns item,feature[,weight]' }),
    out: Flags.string({ required: true, description: 'model directory to write (replaced if it exists)' }),
    quantize: Flags.string({ options: ['float32', 'int8'], default: 'float32', description: 'item table format in the artifact' }),
    seed: Flags.integer({ default: 1, description: 'random seed (same seed, same model)' }),
    threads: Flags.integer({ min: 1, description: 'threads for training (default: every core, or MIXTAPE_THREADS); the model is the same for any count' }),
  };

  async run(): Promise<FitSummary> {
    const f = this.flags;
    const summary = await fitFromFile({
      interactions: f.interactions,
      itemFeatures: f['item-features'],
      out: f.out,
      quantize: f.quantize as 'float32' | 'int8',
      seed: f.seed,
      threads: f.threads,
      onProgress: this.progress(),
    });
    if (!this.jsonEnabled()) {
      this.log(`Fitted on ${summary.interactions} interactions (${summary.users} users, ${summary.items} items, ${summary.itemsWithFeatures} with features) in ${summary.fitSeconds} s`);
      this.log(`Wrote ${summary.dtype} model (${summary.factors} factors) to ${summary.out}`);
    }
    return summary;
  }
}
