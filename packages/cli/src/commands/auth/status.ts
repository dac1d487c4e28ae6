import { spotifyAuthStatus, type AuthStatus } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class AuthStatusCommand extends MixtapeCommand<typeof AuthStatusCommand> {
  static override summary = 'Show which services Mixtape can reach, and how (never shows a token)';
  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json'];

  async run(): Promise<AuthStatus> {
    const status = spotifyAuthStatus();
    if (!this.jsonEnabled()) {
      const s = status.spotify;
      if (!s.loggedIn) this.log(`spotify: not logged in (run \`mixtape auth spotify\`; token file would be ${s.tokenFile})`);
      else if (s.via === 'environment') this.log('spotify: using SPOTIFY_ACCESS_TOKEN from the environment');
      else this.log(`spotify: logged in (client ${s.clientId}, token file ${s.tokenFile}, mode ${s.fileMode}, saved ${s.savedAt ?? '?'})`);
    }
    return status;
  }
}
