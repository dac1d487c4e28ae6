import { Args } from '@oclif/core';
import { addSchedule, withStore, type Schedule } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class ScheduleAdd extends MixtapeCommand<typeof ScheduleAdd> {
  static override summary = 'Schedule a mixtape job with a cron expression (run by `mixtape daemon`)';
  static override examples = [
    `<%= config.bin %> schedule add "0 4 * * *" "run --phases export,enrich,train"`,
    `<%= config.bin %> schedule add @hourly "import lastfm --user rj"`,
  ];
  static override args = {
    cron: Args.string({ required: true, description: 'cron expression (minute hour day month weekday), or @daily/@hourly' }),
    job: Args.string({ required: true, description: 'the mixtape command to run, without "mixtape", in quotes' }),
  };

  async run(): Promise<Schedule> {
    const s = await withStore(this.storeOptions(), (store) => addSchedule(store, this.args.cron, this.args.job));
    if (!this.jsonEnabled()) this.log(`schedule ${s.schedule_id}: "${s.job}" at "${s.cron}", next run ${s.next_run_at ?? 'never'}`);
    return s;
  }
}
