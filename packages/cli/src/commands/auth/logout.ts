import { logoutSpotify } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class AuthLogout extends MixtapeCommand<typeof AuthLogout> {
  static override summary = 'Forget the stored Spotify tokens';
  static override examples = ['<%= config.bin %> auth logout'];

  async run(): Promise<{ loggedOut: boolean; tokenFile: string }> {
    const r = logoutSpotify();
    if (!this.jsonEnabled()) this.log(r.loggedOut ? `Removed ${r.tokenFile}` : 'No stored Spotify tokens');
    return r;
  }
}
