import { Flags } from '../../oclif.js';
import { loginSpotify, type LoginResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class AuthSpotify extends MixtapeCommand<typeof AuthSpotify> {
  static override summary = 'Log in to Spotify (authorization code with PKCE) and keep the refresh token in a 0600 file';
  static override description =
    'Bring your own client id (https://developer.spotify.com/dashboard) with the redirect URI http://127.0.0.1:PORT/callback registered. The login URL is printed and opened where a browser exists. SPOTIFY_ACCESS_TOKEN in the environment skips all this.';
  static override examples = ['<%= config.bin %> auth spotify --client-id 0123abcd', 'SPOTIFY_CLIENT_ID=0123abcd <%= config.bin %> auth spotify --port 8888 --no-open'];
  static override flags = {
    'client-id': Flags.string({ env: 'SPOTIFY_CLIENT_ID', description: 'your Spotify app client id' }),
    port: Flags.integer({ default: 8888, description: 'loopback port of the redirect URI registered in your app' }),
    open: Flags.boolean({ default: true, allowNo: true, description: 'open the login URL in a browser where one exists' }),
  };

  async run(): Promise<LoginResult> {
    const result = await loginSpotify({
      clientId: this.flags['client-id'],
      port: this.flags.port,
      openBrowser: this.flags.open,
      onUrl: (url) => process.stderr.write(`Open this URL to log in to Spotify:\n${url}\nWaiting for the redirect to 127.0.0.1:${this.flags.port}…\n`),
    });
    if (!this.jsonEnabled()) this.log(`Logged in to Spotify; refresh token kept in ${result.tokenFile} (mode 0600)`);
    return result;
  }
}
