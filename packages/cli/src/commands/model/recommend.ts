import { Flags } from '../../oclif.js';
import { recommendFromModel } from '@mixtape/pipeline/model-io';
import { MixtapeCommand } from '../../base-command.js';

export default class ModelRecommend extends MixtapeCommand<typeof ModelRecommend> {
  static override summary = 'Recommend items for users from a fitted model';
  static override description =
    'With --json, prints one JSON line per user: {"user": "...", "items": ["...", ...]} (JSON lines, not one array, so large batches stream). Users not in the model get an empty list.';
  static override examples = [
    '<%= config.bin %> model recommend --model ./model --user 2 --k 10 --exclude-seen',
    '<%= config.bin %> model recommend --model ./model --users users.csv --k 10 --exclude-seen --json > recs.jsonl',
  ];
  static override flags = {
    model: Flags.string({ required: true, description: 'model directory written by `mixtape model fit`' }),
    users: Flags.string({ description: 'file of user ids (a `user` column, or one id per line)', exactlyOne: ['users', 'user'] }),
    user: Flags.string({ description: 'one user id', exactlyOne: ['users', 'user'] }),
    k: Flags.integer({ default: 10, min: 1, description: 'items per user' }),
    'exclude-seen': Flags.boolean({ default: false, description: "leave out items in the user's training history" }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const lines = recommendFromModel({ model: f.model, users: f.users, user: f.user, k: f.k, excludeSeen: f['exclude-seen'] });
    // JSON lines are written here, one per user; returning nothing keeps oclif from adding an array.
    for await (const r of lines) {
      if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(r)}\n`);
      else this.log(`${r.user}\t${r.items.join(', ') || '(not in the model)'}`);
    }
  }
}
