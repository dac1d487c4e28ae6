import { Flags } from '../oclif.js';
import type { RecommendResult } from '@mixtape/pipeline/recommend';
import { MixtapeCommand } from '../base-command.js';
import { LIGHT_STORE_THREADS } from '../early-store.js';
import { renderTable } from '../render.js';

export default class Recommend extends MixtapeCommand<typeof Recommend> {
  static override summary = 'Make a playlist from your personal model: favourites and new music, each with a reason';
  static override description = 'Exploration is a bandit between known favourites and new music that learns from your feedback; no artist gets a wall, and nothing heard in the last two days comes back. After `mixtape federation pull`, the installed global model is blended in (your vector is solved on this machine from your plays; the weight is tuned on your own held-out plays), and each pick says whether it came from your model or the federation. No network is used. The result is also stored as the playlist "mixtape-recommendations" (push it with `mixtape playlist push`).';
  static override examples = [
    '<%= config.bin %> recommend --count 30',
    '<%= config.bin %> recommend --count 100 --explore 0.4 --out picks.m3u8',
    '<%= config.bin %> recommend --seed-artist "Slowdive" --count 20 --json',
  ];
  static override flags = {
    count: Flags.integer({ default: 30, min: 1, description: 'how many tracks' }),
    explore: Flags.string({ default: '0.2', description: 'share of new music, 0 to 1' }),
    'seed-track': Flags.string({ description: 'a radio around this track (id, Spotify URI or "Artist - Title")', exclusive: ['seed-artist'] }),
    'seed-artist': Flags.string({ description: 'a radio around this artist' }),
    out: Flags.string({ description: 'also write the playlist to this file (.m3u8, .xspf, .jspf or .csv)' }),
    'music-dir': Flags.string({ description: 'with --out .m3u8: point entries at matching files in this folder' }),
    seed: Flags.integer({ description: 'random seed for the exploration (default: varies)' }),
    'state-dir': Flags.string({ description: 'Federation folder holding the pulled global model (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<RecommendResult & { out?: string }> {
    // The recommendations alone load only what serving needs; the push code only with --out.
    const { recommendPersonal, playlistFileFormat, blendSummary } = await import('@mixtape/pipeline/recommend');
    // A name whose format is unknown is refused before any work.
    if (this.flags.out) playlistFileFormat(this.flags.out);
    const explore = this.share(this.flags.explore, 'explore');
    const r = await recommendPersonal({
      store: this.storeOptions({ threads: LIGHT_STORE_THREADS }),
      count: this.flags.count,
      explore,
      ...(this.flags['seed-track'] ? { seedTrack: this.flags['seed-track'] } : {}),
      ...(this.flags['seed-artist'] ? { seedArtist: this.flags['seed-artist'] } : {}),
      ...(this.flags.seed !== undefined ? { seed: this.flags.seed } : {}),
      stateDir: this.flags['state-dir'],
      onProgress: this.progress(),
    });
    if (this.flags.out) await (await import('@mixtape/pipeline')).writeRecommendations(this.storeOptions(), this.flags.out, this.flags['music-dir']);
    if (!this.jsonEnabled()) {
      const from = (t: RecommendResult['tracks'][number]) => (r.federation ? { from: t.source } : {});
      this.log(renderTable(r.tracks.map((t) => ({ '#': t.position + 1, artist: t.artist, title: t.title, why: t.reason, ...from(t), id: t.track_id })), undefined, 50));
      const f = r.federation;
      if (f) this.log(blendSummary(f));
      if (r.federationSkipped) this.log(`global model not used: ${r.federationSkipped}`);
      if (this.flags.out) this.log(`written to ${this.flags.out}`);
    }
    return this.flags.out ? { ...r, out: this.flags.out } : r;
  }
}
