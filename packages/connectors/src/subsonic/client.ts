import { createHash, randomBytes } from 'node:crypto';
import { MixtapeError } from '@mixtape/core';
import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import { parseSubsonicXml, type XmlObject } from './xml.js';

/**
 * How the password travels: `token` (API 1.13+: md5(password + salt), the password never sent) or
 * `password` (the older `p=enc:HEX` form, for servers that answer error 41 to tokens, e.g. those
 * that authenticate against LDAP).
 */
export type SubsonicAuth = 'token' | 'password';

/** Connection settings: SUBSONIC_URL, SUBSONIC_USER, SUBSONIC_PASSWORD, optionally SUBSONIC_AUTH. */
export interface SubsonicConfig {
  url: string;
  user: string;
  password: string;
  /** Unset: token first, the password form once the server says tokens are not supported (41). */
  auth?: SubsonicAuth;
}

/** Reads the Subsonic settings from the environment; a clear error names what is missing. */
export function subsonicConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SubsonicConfig {
  const missing = ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new MixtapeError('subsonic_not_configured', `Pushing to a Subsonic server needs ${missing.join(', ')}`, {
      suggestion: 'set SUBSONIC_URL (e.g. http://localhost:4533), SUBSONIC_USER and SUBSONIC_PASSWORD',
    });
  }
  const auth = env.SUBSONIC_AUTH;
  if (auth !== undefined && auth !== '' && auth !== 'token' && auth !== 'password') {
    throw new MixtapeError('invalid_flags', `SUBSONIC_AUTH is "${auth}"`, { suggestion: 'set SUBSONIC_AUTH to token or password, or leave it unset to choose by the server' });
  }
  return { url: env.SUBSONIC_URL!, user: env.SUBSONIC_USER!, password: env.SUBSONIC_PASSWORD!, ...(auth ? { auth: auth as SubsonicAuth } : {}) };
}

/** Token authentication (API 1.13+): t = md5(password + salt), s = salt; the password is never sent. */
export function subsonicToken(password: string, salt: string): string {
  return createHash('md5').update(password + salt).digest('hex');
}

type Answer = Record<string, unknown>;

const AUTH_CODES = new Set([40, 41, 42, 43, 44]);
/** "Token authentication not supported for LDAP users" (and servers without tokens at all). */
const TOKEN_NOT_SUPPORTED = 41;

/** The legacy password form: `enc:` and the password's UTF-8 bytes in hex (never the clear text). */
export function subsonicPasswordParam(password: string): string {
  return `enc:${Buffer.from(password, 'utf8').toString('hex')}`;
}

/** A Subsonic / OpenSubsonic server (Navidrome, Gonic, Airsonic) through one rate-limited client. */
export class SubsonicClient {
  readonly http: HttpClient;
  /** The form in use; switches to `password` once, when the server refuses tokens. */
  authMode: SubsonicAuth;
  /** The server's name (`type`, e.g. navidrome) from its last answer, when it gives one. */
  serverType: string | undefined;

  constructor(
    private readonly config: SubsonicConfig,
    o: { onEvent?: (e: HttpEvent) => void; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.http = new HttpClient({
      service: 'Subsonic',
      baseUrl: config.url.replace(/\/+$/, '') + '/rest',
      rate: rateFromEnv('subsonic', '50/1s', o.env),
      concurrency: 2,
      policy: { maxAttempts: 5, baseBackoffMs: 300, maxBackoffMs: 10_000, defaultRetryAfterMs: 2_000 },
      secretParams: ['t', 's', 'p'],
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    });
    this.authMode = config.auth ?? 'token';
  }

  get requests(): number {
    return this.http.stats.requests;
  }

  /** Fresh auth parameters for one request. */
  private auth(): Record<string, string> {
    const base = { u: this.config.user, v: '1.16.1', c: 'mixtape', f: 'json' };
    if (this.authMode === 'password') return { ...base, p: subsonicPasswordParam(this.config.password) };
    const salt = randomBytes(8).toString('hex');
    return { ...base, t: subsonicToken(this.config.password, salt), s: salt };
  }

  /**
   * Calls an endpoint (http://www.subsonic.org/pages/api.jsp): `repeat` holds parameters sent once
   * per value (songId, songIdToAdd). Writes are not retried when their effect is unknown.
   */
  async call(endpoint: string, params: Record<string, string | number | undefined> = {}, o: { repeat?: [string, (string | number)[]][]; write?: boolean } = {}): Promise<Answer> {
    try {
      return await this.send(endpoint, params, o);
    } catch (e) {
      // A refused token is refused before the server does anything: resending in the password form is safe.
      if ((e as { subsonicCode?: number }).subsonicCode !== TOKEN_NOT_SUPPORTED || this.authMode === 'password' || this.config.auth === 'token') throw e;
      this.authMode = 'password';
      return this.send(endpoint, params, o);
    }
  }

  private async send(endpoint: string, params: Record<string, string | number | undefined>, o: { repeat?: [string, (string | number)[]][]; write?: boolean }): Promise<Answer> {
    const q = new URLSearchParams();
    for (const [k, vs] of o.repeat ?? []) for (const v of vs) q.append(k, String(v));
    const path = `${endpoint}${q.size > 0 ? `?${q}` : ''}`;
    const all = { ...params, ...this.auth() };
    const res = o.write
      ? await this.http.request({ method: 'GET', path, params: all, idempotent: false })
      : await this.http.get(path, { params: all, accept: [404] });
    if (res.status === 404) {
      throw new MixtapeError('subsonic_unreachable', `${this.config.url} has no Subsonic API (${endpoint} answered 404)`, { suggestion: 'check SUBSONIC_URL: it is the server root, e.g. http://localhost:4533' });
    }
    const answer = readAnswer(res.body);
    if (typeof answer.type === 'string') this.serverType = answer.type;
    if (answer.status !== 'ok') {
      const e = one<{ code?: number | string; message?: string }>(answer.error) ?? {};
      const code = Number(e.code ?? 0);
      if (AUTH_CODES.has(code)) {
        throw Object.assign(new MixtapeError('subsonic_auth_failed', `The Subsonic server refused user "${this.config.user}" (${e.message ?? `code ${code}`})`, {
          suggestion: code === TOKEN_NOT_SUPPORTED ? 'this server does not take token authentication: unset SUBSONIC_AUTH or set it to password' : 'check SUBSONIC_USER and SUBSONIC_PASSWORD',
        }), { subsonicCode: code });
      }
      throw Object.assign(new MixtapeError(code === 70 ? 'subsonic_not_found' : 'subsonic_error', `Subsonic ${endpoint} failed: ${e.message ?? `code ${code}`}`, {
        suggestion: 'check the server log; run again with DEBUG=1 for details',
      }), { subsonicCode: code });
    }
    return answer;
  }
}

/** The inner `subsonic-response` of a JSON or XML answer. */
export function readAnswer(body: unknown): Answer {
  if (typeof body === 'string') {
    const xml = parseSubsonicXml(body);
    if (xml?.name === 'subsonic-response') return xml.value as Answer;
    throw new MixtapeError('subsonic_bad_answer', 'The server did not answer like a Subsonic server', { suggestion: 'check SUBSONIC_URL' });
  }
  const inner = (body as { 'subsonic-response'?: Answer } | null)?.['subsonic-response'];
  if (!inner) throw new MixtapeError('subsonic_bad_answer', 'The server did not answer like a Subsonic server', { suggestion: 'check SUBSONIC_URL' });
  return inner;
}

/** A child that may be one object (JSON) or a list (JSON or XML): always a list. */
export function list<T = XmlObject>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** The first of a child that XML gives as a list and JSON as an object. */
export function one<T = Answer>(v: unknown): T | undefined {
  return list<T>(v)[0];
}
