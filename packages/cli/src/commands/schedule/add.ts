import { Args, Flags } from '../../oclif.js';
import { addSchedule, BUILTIN_SCHEDULES, builtinSchedule, withStore, type Schedule } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class ScheduleAdd extends MixtapeCommand<typeof ScheduleAdd> {
  static override summary = 'Schedule a mixtape job with a cron expression, or a built-in job by name (run by `mixtape daemon`)';
  static override description = `Built-in: ${Object.entries(BUILTIN_SCHEDULES).map(([k, b]) => `"${k}" (${b.about})`).join('; ')}. \`mixtape daily\` folds new listens in without retraining; schedule the full retrain apart, e.g. "0 3 * * *" "run --phases train" (\`mixtape run\` runs the pipeline's phases: export, enrich, train, publish, pull, push).`;
  static override examples = [
    '<%= config.bin %> schedule add daily',
    '<%= config.bin %> schedule add daily --at 07:30',
    `<%= config.bin %> schedule add "0 4 * * *" "run --phases export,enrich,train"`,
    `<%= config.bin %> schedule add @hourly "import lastfm --user rj"`,
  ];
  static override args = {
    cron: Args.string({ required: true, description: `cron expression (minute hour day month weekday), @daily/@hourly, or a built-in job: ${Object.keys(BUILTIN_SCHEDULES).join(', ')}` }),
    job: Args.string({ required: false, description: 'the mixtape command to run, without "mixtape", in quotes (not with a built-in job)' }),
  };
  static override flags = {
    at: Flags.string({ description: 'with a built-in job: the local time of day, HH:MM (default 06:00)' }),
  };

  async run(): Promise<Schedule> {
    const { cron, job } = this.args.job === undefined ? builtinSchedule(this.args.cron, this.flags.at) : { cron: this.args.cron, job: this.args.job };
    if (this.args.job !== undefined && this.flags.at !== undefined) this.error('--at goes with a built-in job only (e.g. `schedule add daily --at 07:30`)', { exit: 2 });
    const s = await withStore(this.storeOptions(), (store) => addSchedule(store, cron, job));
    if (!this.jsonEnabled()) this.log(`schedule ${s.schedule_id}: "${s.job}" at "${s.cron}", next run ${s.next_run_at ?? 'never'}`);
    return s;
  }
}
