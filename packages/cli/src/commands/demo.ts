import { fileURLToPath } from 'node:url';
import { Flags } from '../oclif.js';
import { runDemo, type DemoResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';
import { renderTable } from '../render.js';

/** Where the build writes the demo listener (fixtures/src/write-demo-assets.ts): the package's assets/demo. */
export const DEMO_ASSETS = fileURLToPath(new URL('../../assets/demo/', import.meta.url));

export default class Demo extends MixtapeCommand<typeof Demo> {
  static override summary = 'Run the whole pipeline offline on a bundled demo listener, in a temporary data dir (removed afterwards)';
  static override description = 'Imports the Spotify export and Last.fm export of a demo listener that ships with the CLI, and shows what came out. Touches neither the network nor your own data dir.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --keep ./demo-data --json'];
  static override flags = {
    keep: Flags.string({ description: 'use this folder as the data dir (kept afterwards) instead of a temporary one' }),
  };

  async run(): Promise<DemoResult> {
    const result = await runDemo({ assets: DEMO_ASSETS, ...(this.flags.keep ? { dataDir: this.flags.keep } : {}), onProgress: this.progress() });
    if (!this.jsonEnabled()) {
      this.log(renderTable(result.steps.map((s) => ({ step: s.step, 'time (s)': (s.ms / 1000).toFixed(2), result: s.detail })), undefined, 110));
      this.log('');
      this.log(`${result.plays} plays of ${result.tracks} tracks; most played artists:`);
      this.log(renderTable(result.topArtists));
      this.log('');
      this.log('your first ten picks:');
      this.log(renderTable(result.recommendations.slice(0, 10).map((t) => ({ artist: t.artist, title: t.title, why: t.reason })), undefined, 70));
      this.log('');
      // The demo's federation folder sits in the data dir, so the kept folder also serves as the config dir:
      // `recommend` there finds the pulled model and blends it in as the demo did.
      if (result.kept) this.log(`data dir: ${result.dataDir} (try: export MIXTAPE_DATA_DIR=${result.dataDir} MIXTAPE_CONFIG_DIR=${result.dataDir}; mixtape status; mixtape recommend)`);
      else this.log('the temporary data dir is removed; run `mixtape demo --keep <dir>` to keep it and explore it');
    }
    return result;
  }
}
