import Bottleneck from 'bottleneck';
import { MixtapeError, redact, userAgent } from '@mixtape/core';
import { decideRetry, type Outcome, type RetryPolicy } from './retry.js';
import type { Rate } from './rate.js';

/** Supplies bearer tokens; `refresh` is called once after a 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Called after a 401 with the token that failed; a source that already moved on returns the new one. */
  refresh?(failed?: string): Promise<string>;
}

/** Something worth telling the user: a retry with its reason, or a wait for a rate limit. */
export interface HttpEvent {
  type: 'retry' | 'pause' | 'request';
  service: string;
  url: string;
  reason?: string;
  waitMs?: number;
  status?: number;
}

export interface HttpClientOptions {
  service: string;
  baseUrl: string;
  rate: Rate;
  /** Requests in flight at once. */
  concurrency: number;
  policy: Omit<RetryPolicy, 'service'>;
  /** Extra spacing per window, so clock jitter between us and the server never crosses the limit. */
  safetyMs?: number;
  headers?: Record<string, string>;
  auth?: TokenSource;
  timeoutMs?: number;
  onEvent?: (e: HttpEvent) => void;
  /** Query parameters that are secrets (api keys): sent, never logged. */
  secretParams?: string[];
  /** After a 429, lower the rate to what the server let through in the last window (unpublished limits). */
  learnRate?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
  url: string;
  /** 'not_found' when the service said the thing does not exist (an answer, not an error). */
  outcome: 'ok' | 'not_found' | 'accepted';
}

export interface RequestOptions {
  params?: Record<string, string | number | boolean | undefined>;
  method?: string;
  /** Statuses handed back to the caller as answers (e.g. 403 for a foreign playlist). */
  accept?: number[];
}

/** Counters for summaries and benchmarks. */
export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
  waitedMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The one HTTP client of a service: a bottleneck concurrency cap and a window log so no rolling
 * window ever holds more than the allowed count, a concurrency cap, one retry rule, a shared pause
 * after a 429, token refresh after a 401, and redacted URLs in every event.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0, waitedMs: 0 };
  private readonly limiter: Bottleneck;
  private pausedUntil = 0;
  private rateCount: number;
  /** Requests of the current window: when each left, and when its answer came back (Infinity in flight). */
  private slots: { start: number; end: number }[] = [];

  constructor(readonly options: HttpClientOptions) {
    this.rateCount = options.rate.count;
    // Bottleneck caps requests in flight; the window log below decides when each may start.
    this.limiter = new Bottleneck({ maxConcurrent: options.concurrency });
  }

  /** Margin for clock granularity (ms); the window log itself needs no margin for network jitter. */
  get safetyMs(): number {
    return this.options.safetyMs ?? 2;
  }

  /** The rate in force now (lower than configured after learning from a 429). */
  get currentRate(): { count: number; perMs: number } {
    return { count: this.rateCount, perMs: this.options.rate.perMs };
  }

  /**
   * Admits a request now, or says how long to wait. A request reached the server after it left and
   * before its answer came back, so one answered more than a window ago can no longer be in the
   * server's window, whatever the network did; one still in flight, or answered within the window,
   * may be. Fewer than `count` such requests: this one may go. No jitter can push the server over.
   */
  private admit(now = Date.now()): { slot?: { start: number; end: number }; wait: number } {
    const window = this.options.rate.perMs + this.safetyMs;
    this.slots = this.slots.filter((x) => x.end > now - window);
    if (this.slots.length < this.rateCount) {
      const slot = { start: now, end: Number.POSITIVE_INFINITY };
      this.slots.push(slot);
      return { slot, wait: 0 };
    }
    // The earliest moment enough answered requests leave the window; requests in flight: look again soon.
    const ends = this.slots.map((x) => x.end).sort((x, y) => x - y);
    const e = ends[this.slots.length - this.rateCount]!;
    return { wait: Number.isFinite(e) ? Math.max(1, e + window - now) : 5 };
  }

  private learnFrom429(): void {
    const now = Date.now();
    const inWindow = this.slots.filter((x) => x.start > now - this.options.rate.perMs).length;
    // The server let through about inWindow - 1 requests in its window: stay one below that, but
    // never more than halve at once (a 429 can also come from another client of the same app).
    const learned = Math.max(1, Math.floor(this.rateCount / 2), Math.min(this.rateCount, inWindow - 2));
    if (learned < this.rateCount) this.rateCount = learned;
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
    const url = this.url(path, options.params);
    const policy: RetryPolicy = { ...this.options.policy, service: this.options.service, canRefresh: this.options.auth?.refresh !== undefined };
    // Bounded: decideRetry stops after policy.maxAttempts (x3 for rate limits), so this loop ends.
    for (let attempt = 1; attempt <= policy.maxAttempts * 3 + 1; attempt++) {
      const { outcome, token } = await this.attempt(url, options.method ?? 'GET');
      if (outcome.kind === 'response' && options.accept?.includes(outcome.status)) {
        return { status: outcome.status, body: outcome.body as T, headers: outcome.headers, url: this.safeUrl(url), outcome: 'accepted' };
      }
      const d = decideRetry(outcome, attempt, policy);
      if (d.done) return { status: (outcome as { status: number }).status, body: (outcome as { body: T }).body, headers: (outcome as { headers: Record<string, string> }).headers, url: this.safeUrl(url), outcome: d.done };
      if (!d.retry) throw d.stop ?? new MixtapeError('request_failed', `${this.service} request failed: ${d.reason}`);
      this.stats.retries++;
      if (outcome.kind === 'error') this.stats.networkErrors++;
      else if (d.pauseAll) this.stats.rateLimited++;
      else if (outcome.status >= 500) this.stats.serverErrors++;
      this.options.onEvent?.({ type: d.pauseAll ? 'pause' : 'retry', service: this.service, url: this.safeUrl(url), reason: d.reason, waitMs: d.waitMs });
      if (d.refresh) await this.options.auth?.refresh?.(token);
      if (d.pauseAll) {
        if (this.options.learnRate && outcome.kind === 'response' && outcome.status === 429) this.learnFrom429();
        let wait = d.waitMs;
        // Without Retry-After, the first wait lasts until our oldest request leaves the window.
        const oldest = this.slots.reduce((m, x) => Math.min(m, x.end), Number.POSITIVE_INFINITY);
        if (outcome.kind === 'response' && outcome.headers['retry-after'] === undefined && attempt === 1 && Number.isFinite(oldest)) {
          wait = Math.min(wait, Math.max(100, oldest + this.options.rate.perMs + this.safetyMs - Date.now()));
        }
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
      }
      else if (d.waitMs > 0) {
        this.stats.waitedMs += d.waitMs;
        await sleep(d.waitMs);
      }
    }
    throw new MixtapeError('service_unavailable', `${this.service} kept failing for ${this.safeUrl(url)}`);
  }

  /**
   * One attempt: a concurrency slot from bottleneck, then admission by the sliding log (waiting in
   * the slot: nothing else could start meanwhile), then the request at once, so the start the log
   * records is the moment the request leaves.
   */
  private async attempt(url: string, method: string): Promise<{ outcome: Outcome; token?: string | undefined }> {
    return this.limiter.schedule(async () => {
      for (let i = 0; i < 1_000_000; i++) {
        const paused = this.pausedUntil - Date.now();
        const a = paused > 0 ? { wait: paused } : this.admit();
        if (a.slot) {
          try {
            return await this.send(url, method);
          } finally {
            a.slot.end = Date.now();
          }
        }
        this.stats.waitedMs += a.wait;
        await sleep(a.wait);
      }
      return { outcome: { kind: 'error', error: new Error('waited too long for the rate limit') } };
    });
  }

  private async send(url: string, method: string): Promise<{ outcome: Outcome; token?: string | undefined }> {
    this.stats.requests++;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...this.options.headers };
    let token: string | undefined;
    try {
      if (this.options.auth) {
        token = await this.options.auth.token();
        headers.authorization = `Bearer ${token}`;
      }
      const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
      const text = await res.text();
      const h: Record<string, string> = {};
      res.headers.forEach((v, k) => (h[k] = v));
      let body: unknown = text;
      if (text.length > 0 && (/json|javascript/.test(h['content-type'] ?? '') || /^\s*[[{]/.test(text))) {
        try {
          body = JSON.parse(text);
        } catch (cause) {
          // A cut-off body on a success is a broken transfer: retry it like a network error.
          if (res.ok) return { outcome: { kind: 'error', error: Object.assign(new Error('truncated body'), { code: 'truncated_body', cause }) }, token };
        }
      }
      this.options.onEvent?.({ type: 'request', service: this.service, url: this.safeUrl(url), status: res.status });
      return { outcome: { kind: 'response', status: res.status, headers: h, body }, token };
    } catch (error) {
      if (error instanceof MixtapeError) throw error;
      return { outcome: { kind: 'error', error }, token };
    }
  }
}
