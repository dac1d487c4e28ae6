import { Flags } from '../oclif.js';
import { recordFeedback, type FeedbackResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';

export default class Feedback extends MixtapeCommand<typeof Feedback> {
  static override summary = 'Tell the recommender you liked, skipped, banned or played a track; it learns at once';
  static override description = 'Folds the event into your listener vector without retraining; the next `mixtape recommend` reflects it.';
  static override examples = [
    '<%= config.bin %> feedback --track "Slowdive - Alison" --like',
    '<%= config.bin %> feedback --track t3f9a0c1d2e4b5a6 --ban',
  ];
  static override flags = {
    track: Flags.string({ required: true, description: 'track id, Spotify URI or "Artist - Title"' }),
    like: Flags.boolean({ exactlyOne: ['like', 'skip', 'ban', 'played'] }),
    skip: Flags.boolean({ exactlyOne: ['like', 'skip', 'ban', 'played'] }),
    ban: Flags.boolean({ exactlyOne: ['like', 'skip', 'ban', 'played'], description: 'never recommend this track again' }),
    played: Flags.boolean({ exactlyOne: ['like', 'skip', 'ban', 'played'] }),
  };

  async run(): Promise<FeedbackResult> {
    const kind = this.flags.like ? 'like' : this.flags.skip ? 'skip' : this.flags.ban ? 'ban' : 'played';
    const r = await recordFeedback({ store: this.storeOptions(), track: this.flags.track, kind });
    if (!this.jsonEnabled()) this.log(`${r.kind}: ${r.artist ?? '?'} - ${r.title}; your vector was updated in ${r.updateMs} ms, ${r.topChanged} of your top 10 changed`);
    return r;
  }
}
