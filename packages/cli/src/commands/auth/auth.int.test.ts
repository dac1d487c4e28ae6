import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSpotify } from '@mixtape/fixtures';

// The real CLI (built by `tsc -b`): log in through the loopback redirect, export with the stored
// refresh token (rotated on the way), show status without secrets, log out.
const CLI = resolve(__dirname, '../../../bin/run.js');
const server = new FakeSpotify({ savedTracks: 60, playlists: [10], foreignPlaylists: [], accessTokenTtlMs: 60 * 60_000 });
const config = mkdtempSync(join(tmpdir(), 'mt-cfg-'));
const data = mkdtempSync(join(tmpdir(), 'mt-data-'));

beforeAll(async () => {
  await server.start();
  server.staticToken = undefined;
});
afterAll(() => server.stop());

function cli(args: string[], onStderr?: (line: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MIXTAPE_CONFIG_DIR: config, MIXTAPE_SPOTIFY_API_URL: `${server.url}/v1`, MIXTAPE_SPOTIFY_ACCOUNTS_URL: server.url, MIXTAPE_SPOTIFY_RATE: '1000/1s' };
    delete env.SPOTIFY_ACCESS_TOKEN;
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(String(d));
    });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('mixtape auth', () => {
  it('logs in with PKCE, exports with a rotating refresh token, never prints a token, logs out', async () => {
    let followed = false;
    const login = await cli(['auth', 'spotify', '--client-id', 'cid', '--port', '0', '--no-open', '--json'], (text) => {
      const url = /https?:\/\/\S+\/authorize\?\S+/.exec(text)?.[0];
      if (url && !followed) {
        followed = true;
        void fetch(url, { redirect: 'manual' }).then((r) => fetch(r.headers.get('location')!));
      }
    });
    expect(login.code).toBe(0);
    const file = join(config, 'spotify-token.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    server.expireTokens();
    server.staticToken = undefined;
    const exp = await cli(['export', 'spotify', '--streams', 'saved_tracks,playlists', '--json', '--data-dir', data]);
    expect(exp.code).toBe(0);
    expect(JSON.parse(exp.stdout).streams.saved_tracks.records).toBe(60);
    expect(server.issuedRefreshTokens.length).toBe(2);
    const status = await cli(['auth', 'status', '--json']);
    const s = JSON.parse(status.stdout);
    expect(s.spotify).toMatchObject({ loggedIn: true, via: 'token file', fileMode: '0600', clientId: 'cid' });
    for (const t of server.issuedRefreshTokens) expect(login.stdout + login.stderr + exp.stdout + exp.stderr + status.stdout).not.toContain(t);
    expect((await cli(['auth', 'logout', '--json'])).code).toBe(0);
    const after = await cli(['export', 'spotify', '--data-dir', data]);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/not logged in/);
  });
});
