import { fileURLToPath } from 'node:url';
import { Flags } from '../../oclif.js';
import { configDir, dataDir, installDaemon, type InstallResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class ScheduleInstall extends MixtapeCommand<typeof ScheduleInstall> {
  static override summary = 'Write a systemd user unit or a crontab line that keeps `mixtape daemon` running';
  static override description = 'Writes the file and prints the one command that enables it; nothing is enabled for you.';
  static override examples = ['<%= config.bin %> schedule install --systemd', '<%= config.bin %> schedule install --cron'];
  static override flags = {
    systemd: Flags.boolean({ description: 'write ~/.config/systemd/user/mixtape.service', exactlyOne: ['systemd', 'cron'] }),
    cron: Flags.boolean({ description: 'write an @reboot crontab line into the config dir', exactlyOne: ['systemd', 'cron'] }),
  };

  async run(): Promise<InstallResult> {
    const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
    const r = await installDaemon(this.flags.systemd ? 'systemd' : 'cron', bin, dataDir(this.flags['data-dir']), configDir());
    if (!this.jsonEnabled()) {
      this.log(`wrote ${r.path}:\n\n${r.content}`);
      this.log(`to enable it: ${r.next}`);
    }
    return r;
  }
}
