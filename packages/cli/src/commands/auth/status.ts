import { authStatus, type EnvCredentials, type ServicesStatus } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

function envLine(name: string, s: EnvCredentials): string {
  const server = s.server ? `, server ${s.server}` : '';
  if (s.configured) return `${name}: configured from the environment (${s.set.join(', ')}${server}) for ${s.usedBy}`;
  if (s.set.length > 0) return `${name}: incomplete: ${s.set.join(', ')} set${server}, missing ${s.missing.join(', ')}`;
  return `${name}: not configured (set ${s.missing.join(', ')} for ${s.usedBy})`;
}

export default class AuthStatusCommand extends MixtapeCommand<typeof AuthStatusCommand> {
  static override summary = 'Show which services Mixtape can reach, and how (never shows a token)';
  static override description = 'Spotify logs in with `mixtape auth spotify` (or SPOTIFY_ACCESS_TOKEN); Last.fm, ListenBrainz, Subsonic and Deezer read their credentials from the environment. Only the names of the variables that are set are shown.';
  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json'];

  async run(): Promise<ServicesStatus> {
    const status = authStatus();
    if (!this.jsonEnabled()) {
      const s = status.spotify;
      if (!s.loggedIn) this.log(`spotify: not logged in (run \`mixtape auth spotify\`; token file would be ${s.tokenFile})`);
      else if (s.via === 'environment') this.log('spotify: using SPOTIFY_ACCESS_TOKEN from the environment');
      else this.log(`spotify: logged in (client ${s.clientId}, token file ${s.tokenFile}, mode ${s.fileMode}, saved ${s.savedAt ?? '?'})`);
      for (const name of ['lastfm', 'listenbrainz', 'subsonic', 'deezer'] as const) this.log(envLine(name, status[name]));
    }
    return status;
  }
}
