import { MixtapeError } from '../errors.js';
import { redact } from '../redact.js';
import { userAgent } from '../user-agent.js';
import { serviceLimiters, type ServiceLimiter, type Slot } from './limiter.js';
import { decideRetry, serverWaitMs, windowUsedUpMs, type Outcome, type RetryDecision, type RetryPolicy } from './retry.js';
import { WRITE_UNCERTAIN, type HttpClientOptions, type HttpRequest, type HttpResponse, type HttpStats, type RequestOptions } from './types.js';

interface Sent {
  outcome: Outcome;
  token?: string | undefined;
  bytes?: Buffer;
  slot: Slot;
}

const accepts = (accept: RequestOptions['accept'], status: number) => (typeof accept === 'function' ? accept(status) : (accept?.includes(status) ?? false));

/**
 * The one HTTP client, for reads and writes of every service and for the federation hub: the
 * service's shared limiter (rate window, concurrency cap, pauses, adaptive rate), one retry rule
 * (`decideRetry`), token refresh after a 401, rate-limit headers honoured on every answer, and
 * redacted URLs in every event and error.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0, waitedMs: 0 };
  readonly limiter: ServiceLimiter;

  constructor(readonly options: HttpClientOptions) {
    this.limiter =
      options.limiter ??
      serviceLimiters.for(options.service, options.baseUrl, { rate: options.rate, concurrency: options.concurrency, ...(options.safetyMs !== undefined ? { safetyMs: options.safetyMs } : {}) });
  }

  /** The rate in force now (lower than configured for a while after a 429). */
  get currentRate(): { count: number; perMs: number } {
    return this.limiter.rate();
  }

  get service(): string {
    return this.options.service;
  }

  /** Builds the full URL for a path (absolute URLs, such as next links, are used as they are). */
  url(path: string, params?: RequestOptions['params']): string {
    const u = /^https?:\/\//.test(path) ? new URL(path) : new URL(this.options.baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** The URL with secret parameters masked, for logs, cache keys and errors. */
  safeUrl(url: string): string {
    let out = redact(url);
    for (const p of this.options.secretParams ?? []) out = out.replace(new RegExp(`([?&]${p}=)[^&#]*`, 'gi'), '$1***');
    return out;
  }

  async get<T = unknown>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: options.method ?? 'GET', path });
  }

  /** Sends one request and retries it as `decideRetry` says. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.url(req.path, req.params);
    const safe = this.safeUrl(url);
    const policy: RetryPolicy = { ...this.options.policy, service: this.service, canRefresh: this.options.auth?.refresh !== undefined };
    const idempotent = req.idempotent ?? req.method !== 'POST';
    let unsure = false;
    // Bounded: decideRetry stops after policy.maxAttempts (x3 for rate limits), so this loop ends.
    for (let attempt = 1; attempt <= policy.maxAttempts * 3 + 1; attempt++) {
      const { sent, d } = await this.attempt(url, req, attempt, policy);
      const answer = (kind: HttpResponse['outcome']): HttpResponse<T> => {
        const r = sent.outcome as Extract<Outcome, { kind: 'response' }>;
        return { status: r.status, body: r.body as T, headers: r.headers, url: safe, outcome: kind, ...(sent.bytes && req.keepBytes ? { bytes: sent.bytes } : {}), ...(unsure ? { retried: true as const } : {}) };
      };
      if (!d) return answer('accepted');
      if (d.done) return answer(d.done);
      const { outcome } = sent;
      // A 503 says the server did not take the request; other 5xx and lost answers leave it open.
      const unknownEffect = outcome.kind === 'error' || (outcome.status >= 500 && outcome.status !== 503);
      if (d.retry && unknownEffect && !idempotent) {
        throw new MixtapeError(WRITE_UNCERTAIN, `${this.service} did not confirm ${req.method} ${safe} (${d.reason})`, {
          suggestion: 'run the same command again: it checks what was written and resumes',
        });
      }
      if (!d.retry) throw d.stop ?? new MixtapeError('request_failed', `${this.service} request failed: ${d.reason}`);
      unsure ||= unknownEffect;
      this.stats.retries++;
      if (outcome.kind === 'error') this.stats.networkErrors++;
      else if (d.pauseAll) this.stats.rateLimited++;
      else if (outcome.status >= 500) this.stats.serverErrors++;
      this.options.onEvent?.({ type: d.pauseAll ? 'pause' : 'retry', service: this.service, url: safe, reason: d.reason, waitMs: d.waitMs });
      if (d.refresh) await this.options.auth?.refresh?.(sent.token);
      // A rate limit already paused the service (see judge); other retries wait on their own.
      if (!d.pauseAll && d.waitMs > 0) {
        this.stats.waitedMs += d.waitMs;
        await this.limiter.clock.sleep(d.waitMs);
      }
    }
    throw new MixtapeError('service_unavailable', `${this.service} kept failing for ${safe}`);
  }

  /**
   * One attempt: admission by the service's limiter, the request at once, and its verdict, all
   * before the slot is released, so a pause it calls for holds the requests waiting for that slot.
   */
  private async attempt(url: string, req: HttpRequest, n: number, policy: RetryPolicy): Promise<{ sent: Sent; d: RetryDecision | undefined }> {
    const { slot, waitedMs } = await this.limiter.acquire();
    this.stats.waitedMs += waitedMs;
    try {
      const sent = { ...(await this.send(url, req)), slot };
      return { sent, d: this.judge(sent, n, req, policy) };
    } finally {
      this.limiter.release(slot);
    }
  }

  /** The verdict on an answer: undefined when the caller accepts it as is, else the retry decision. */
  private judge(sent: Sent, n: number, req: HttpRequest, policy: RetryPolicy): RetryDecision | undefined {
    const { outcome } = sent;
    const now = this.limiter.clock.now();
    if (outcome.kind === 'response') {
      // A server that announces its window is used up is waited out before it has to answer 429.
      const used = windowUsedUpMs(outcome.headers, now);
      if (used !== undefined) this.limiter.pauseUntil(now + used);
      const own = req.failOn?.(outcome.status, outcome.body);
      if (own) throw own;
      if (accepts(req.accept, outcome.status)) return undefined;
    }
    const d = decideRetry(outcome, n, policy);
    if (d.retry && d.pauseAll) this.pauseService(sent, d.waitMs, n, now);
    return d;
  }

  /**
   * A rate limit pauses the whole service (reads and writes, every client of it) and lowers its
   * rate. Without a time from the server, the first wait lasts until our oldest request leaves the window.
   */
  private pauseService(sent: Sent, waitMs: number, attempt: number, now: number): void {
    this.limiter.backOff(sent.slot, now);
    let wait = waitMs;
    const timed = sent.outcome.kind === 'response' && serverWaitMs(sent.outcome.headers, now) !== undefined;
    const clears = this.limiter.windowClearsIn(now);
    if (!timed && attempt === 1 && clears !== undefined) wait = Math.min(wait, Math.max(100, clears));
    this.limiter.pauseUntil(now + wait);
  }

  private async send(url: string, req: HttpRequest): Promise<Omit<Sent, 'slot'>> {
    this.stats.requests++;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...this.options.headers };
    const binary = req.body instanceof Uint8Array;
    if (req.body !== undefined) headers['content-type'] = binary ? 'application/octet-stream' : 'application/json';
    let token: string | undefined;
    try {
      if (this.options.auth) {
        token = await this.options.auth.token();
        headers.authorization = `${req.authScheme ?? 'Bearer'} ${token}`;
      }
      const init: RequestInit = { method: req.method, headers, signal: AbortSignal.timeout(req.timeoutMs ?? this.options.timeoutMs ?? 30_000) };
      if (req.body !== undefined) init.body = binary ? (req.body as Uint8Array) : JSON.stringify(req.body);
      const res = await fetch(url, init);
      const bytes = Buffer.from(await res.arrayBuffer());
      const h: Record<string, string> = {};
      res.headers.forEach((v, k) => (h[k] = v));
      const body = readBody(bytes, h['content-type'] ?? '');
      // A cut-off body on a success is a broken transfer: retried like a network error (a write may have happened).
      if (body === TRUNCATED) {
        if (res.ok) return { outcome: { kind: 'error', error: Object.assign(new Error('truncated body'), { code: 'truncated_body' }) }, token };
      }
      this.options.onEvent?.({ type: 'request', service: this.service, url: this.safeUrl(url), status: res.status });
      return { outcome: { kind: 'response', status: res.status, headers: h, body: body === TRUNCATED ? bytes.toString('utf8') : body }, token, bytes };
    } catch (error) {
      if (error instanceof MixtapeError) throw error;
      return { outcome: { kind: 'error', error }, token };
    }
  }
}

const TRUNCATED = Symbol('truncated');

/** JSON parsed, text as text, anything else (model files) as the bytes themselves. */
function readBody(bytes: Buffer, contentType: string): unknown {
  if (/octet-stream|^image\/|^audio\//.test(contentType)) return bytes;
  const text = bytes.toString('utf8');
  if (text.length === 0 || !(/json|javascript/.test(contentType) || /^\s*[[{]/.test(text))) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return TRUNCATED;
  }
}
