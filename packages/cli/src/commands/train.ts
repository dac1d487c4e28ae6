import { Flags } from '../oclif.js';
import { dataDir, trainPersonal, type TrainSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';

export default class Train extends MixtapeCommand<typeof Train> {
  static override summary = 'Train your personal recommender on this machine from your plays, skips, saves and playlists';
  static override description =
    'Trains on listening events and open metadata only. Your own plays choose the settings: each variant (the full hybrid, the hybrid without its tag score, plain factors without the pull towards features) is fitted on 80 % of your listening rows (you, your sessions, your playlists) and scored on the other 20 %; the full hybrid stays unless another is clearly better. With --quantize int8 (the default) the float32 and int8 models are evaluated by the same code on that split and the int8 one is saved.';
  static override examples = ['<%= config.bin %> train', '<%= config.bin %> train --quantize float32 --json', '<%= config.bin %> train --threads 1'];
  static override flags = {
    quantize: Flags.string({ options: ['int8', 'float32'], default: 'int8', description: 'item table used for serving' }),
    seed: Flags.integer({ default: 42, description: 'random seed (training is deterministic for a seed)' }),
    threads: Flags.integer({ min: 1, description: 'threads for training (default: every core, or MIXTAPE_THREADS); the model is the same for any count' }),
  };

  async run(): Promise<TrainSummary> {
    const s = await trainPersonal({
      store: this.storeOptions(),
      dataDir: dataDir(this.flags['data-dir']),
      quantize: this.flags.quantize as 'int8' | 'float32',
      seed: this.flags.seed,
      threads: this.flags.threads,
      onProgress: this.progress(),
    });
    if (!this.jsonEnabled()) {
      this.log(`model ${s.modelId} (${s.dtype}): ${s.items} tracks, ${s.stats.plays} plays, ${s.stats.skips} skips, ${s.stats.sessions} sessions, ${s.stats.playlists} playlists; fitted in ${s.fitSeconds.toFixed(1)} s`);
      const scores = s.settings.scores.map((c) => `${c.name} ${c.ndcg.toFixed(4)}`).join(', ');
      if (s.settings.heldOutRows === 0) this.log(`settings: ${s.settings.chosen} (the defaults: too few plays to hold any out and compare)`);
      else this.log(`settings: ${s.settings.chosen}, chosen on ${s.settings.heldOutRows} rows of your own held-out plays (NDCG@10: ${scores})`);
      if (s.quantization && s.settings.heldOutRows > 0) {
        const q = s.quantization;
        this.log(`int8 vs float32: top-10 overlap ${(q.topKOverlap * 100).toFixed(1)} %, NDCG@10 ${q.ndcgFloat32.toFixed(4)} -> ${q.ndcgInt8.toFixed(4)} (${(q.ndcgChange * 100).toFixed(2)} %), table ${(q.bytesFloat32 / 1024).toFixed(0)} KiB -> ${(q.bytesInt8 / 1024).toFixed(0)} KiB`);
      }
      this.log(`saved to ${s.path}`);
    }
    return s;
  }
}
