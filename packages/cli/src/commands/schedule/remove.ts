import { Args } from '../../oclif.js';
import { removeSchedule, withStore, type Schedule } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class ScheduleRemove extends MixtapeCommand<typeof ScheduleRemove> {
  static override summary = 'Remove a scheduled job';
  static override examples = ['<%= config.bin %> schedule remove 2'];
  static override args = { id: Args.integer({ required: true, description: 'the schedule id from `mixtape schedule list`' }) };

  async run(): Promise<Schedule> {
    const s = await withStore(this.storeOptions(), (store) => removeSchedule(store, this.args.id));
    if (!this.jsonEnabled()) this.log(`removed schedule ${s.schedule_id}: "${s.job}" at "${s.cron}"`);
    return s;
  }
}
