import { spotifyAuthStatus, type AuthStatus } from './spotify-auth.js';

/** A service whose credentials come from the environment: which variables are set, never their values. */
export interface EnvCredentials {
  configured: boolean;
  via: 'environment' | 'none';
  /** The variables that are set. */
  set: string[];
  /** The variables still needed. */
  missing: string[];
  /** Where the server is, for self-hosted services (without any user or password in the URL). */
  server?: string;
  /** What the credentials are for. */
  usedBy: string;
}

export type ServiceName = 'lastfm' | 'listenbrainz' | 'subsonic' | 'deezer';

/** The variables each connector reads (see their clients in @mixtape/connectors). */
const ENV_SERVICES: Record<ServiceName, { vars: string[]; usedBy: string }> = {
  lastfm: { vars: ['LASTFM_API_KEY'], usedBy: 'enrich (tags, similar tracks) and import lastfm' },
  listenbrainz: { vars: ['LISTENBRAINZ_TOKEN'], usedBy: 'playlist push --to listenbrainz' },
  subsonic: { vars: ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD'], usedBy: 'playlist push --to subsonic' },
  deezer: { vars: ['DEEZER_ACCESS_TOKEN'], usedBy: 'playlist push --to deezer' },
};

export type ServicesStatus = AuthStatus & Record<ServiceName, EnvCredentials>;

function serverOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'not a URL';
  }
}

/** Every service Mixtape can reach and how it would authenticate, without any secret. */
export function authStatus(env: NodeJS.ProcessEnv = process.env, configDir?: string): ServicesStatus {
  const out = { ...spotifyAuthStatus(env, configDir) } as ServicesStatus;
  for (const [name, { vars, usedBy }] of Object.entries(ENV_SERVICES) as Array<[ServiceName, (typeof ENV_SERVICES)[ServiceName]]>) {
    const set = vars.filter((v) => Boolean(env[v]));
    const s: EnvCredentials = { configured: set.length === vars.length, via: set.length === vars.length ? 'environment' : 'none', set, missing: vars.filter((v) => !set.includes(v)), usedBy };
    const server = name === 'subsonic' ? serverOf(env.SUBSONIC_URL) : undefined;
    if (server) s.server = server;
    out[name] = s;
  }
  return out;
}
