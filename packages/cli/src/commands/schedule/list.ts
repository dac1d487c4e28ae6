import { listSchedules, withStore, type Schedule } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { renderTable } from '../../render.js';

export default class ScheduleList extends MixtapeCommand<typeof ScheduleList> {
  static override summary = 'List scheduled jobs with their next run';
  static override examples = ['<%= config.bin %> schedule list'];

  async run(): Promise<Schedule[]> {
    const list = await withStore(this.storeOptions(), (store) => listSchedules(store));
    if (!this.jsonEnabled()) this.log(list.length ? renderTable(list) : 'no schedules (add one with `mixtape schedule add`)');
    return list;
  }
}
