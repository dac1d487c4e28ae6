import { createHash, randomBytes } from 'node:crypto';
import { MixtapeError } from '@mixtape/core';
import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import { parseSubsonicXml, type XmlObject } from './xml.js';

/** Connection settings: SUBSONIC_URL, SUBSONIC_USER, SUBSONIC_PASSWORD. */
export interface SubsonicConfig {
  url: string;
  user: string;
  password: string;
}

/** Reads the Subsonic settings from the environment; a clear error names what is missing. */
export function subsonicConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SubsonicConfig {
  const missing = ['SUBSONIC_URL', 'SUBSONIC_USER', 'SUBSONIC_PASSWORD'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new MixtapeError('subsonic_not_configured', `Pushing to a Subsonic server needs ${missing.join(', ')}`, {
      suggestion: 'set SUBSONIC_URL (e.g. http://localhost:4533), SUBSONIC_USER and SUBSONIC_PASSWORD',
    });
  }
  return { url: env.SUBSONIC_URL!, user: env.SUBSONIC_USER!, password: env.SUBSONIC_PASSWORD! };
}

/** Token authentication (API 1.13+): t = md5(password + salt), s = salt; the password is never sent. */
export function subsonicToken(password: string, salt: string): string {
  return createHash('md5').update(password + salt).digest('hex');
}

type Answer = Record<string, unknown>;

const AUTH_CODES = new Set([40, 41, 42, 43, 44]);

/** A Subsonic / OpenSubsonic server (Navidrome, Gonic, Airsonic) through one rate-limited client. */
export class SubsonicClient {
  readonly http: HttpClient;

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
  }

  get requests(): number {
    return this.http.stats.requests;
  }

  /** Fresh auth parameters for one request. */
  private auth(): Record<string, string> {
    const salt = randomBytes(8).toString('hex');
    return { u: this.config.user, t: subsonicToken(this.config.password, salt), s: salt, v: '1.16.1', c: 'mixtape', f: 'json' };
  }

  /**
   * Calls an endpoint (http://www.subsonic.org/pages/api.jsp): `repeat` holds parameters sent once
   * per value (songId, songIdToAdd). Writes are not retried when their effect is unknown.
   */
  async call(endpoint: string, params: Record<string, string | number | undefined> = {}, o: { repeat?: [string, (string | number)[]][]; write?: boolean } = {}): Promise<Answer> {
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
    if (answer.status !== 'ok') {
      const e = one<{ code?: number | string; message?: string }>(answer.error) ?? {};
      const code = Number(e.code ?? 0);
      if (AUTH_CODES.has(code)) {
        throw new MixtapeError('subsonic_auth_failed', `The Subsonic server refused user "${this.config.user}" (${e.message ?? `code ${code}`})`, {
          suggestion: 'check SUBSONIC_USER and SUBSONIC_PASSWORD (token authentication must be allowed for this user)',
        });
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
