import Bottleneck from 'bottleneck';
import { MixtapeError, redact } from '@mixtape/core';
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
 * The one HTTP client of a service: a bottleneck limiter that spaces request starts so no rolling
 * window ever holds more than the allowed count, a concurrency cap, one retry rule, a shared pause
 * after a 429, token refresh after a 401, and redacted URLs in every event.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0, waitedMs: 0 };
  private readonly limiter: Bottleneck;
  private pausedUntil = 0;
  private rateCount: number;
  /** Start times of the requests in the current window, oldest first (a sliding log). */
  private starts: number[] = [];

  constructor(readonly options: HttpClientOptions) {
    this.rateCount = options.rate.count;
    // Bottleneck caps requests in flight; the sliding log below decides when each may start.
    this.limiter = new Bottleneck({ maxConcurrent: options.concurrency });
  }

  /**
   * Margin per window against jitter between our clock at start and the server's at arrival: 4% of
   * the window (40 ms a second, 1.2 s on Spotify's 30 s), at least 5 ms; the achieved rate stays near 96%.
   */
  get safetyMs(): number {
    return this.options.safetyMs ?? Math.max(5, Math.round(this.options.rate.perMs * 0.04));
  }

  /** The rate in force now (lower than configured after learning from a 429). */
  get currentRate(): { count: number; perMs: number } {
    return { count: this.rateCount, perMs: this.options.rate.perMs };
  }

  /**
   * Admits a request now (returns 0 and records its start) when fewer than `count` started in the
   * last window plus `safetyMs`, else returns how long to wait. The safety margin covers jitter
   * between our clock at start and the server's at arrival, so no window of the server's ever holds
   * more than `count` requests, while bursts up to the limit still go out at once.
   */
  private admit(now = Date.now()): number {
    const window = this.options.rate.perMs + this.safetyMs;
    while (this.starts.length > 0 && this.starts[0]! <= now - window) this.starts.shift();
    if (this.starts.length < this.rateCount) {
      this.starts.push(now);
      return 0;
    }
    return this.starts[this.starts.length - this.rateCount]! + window - now;
  }

  private learnFrom429(): void {
    const now = Date.now();
    const inWindow = this.starts.filter((t) => t > now - this.options.rate.perMs).length;
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
        if (outcome.kind === 'response' && outcome.headers['retry-after'] === undefined && attempt === 1 && this.starts.length > 0) {
          wait = Math.min(wait, Math.max(100, this.starts[0]! + this.options.rate.perMs + this.safetyMs - Date.now()));
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
        const wait = paused > 0 ? paused : this.admit();
        if (wait <= 0) return this.send(url, method);
        this.stats.waitedMs += wait;
        await sleep(wait);
      }
      return { outcome: { kind: 'error', error: new Error('waited too long for the rate limit') } };
    });
  }

  private async send(url: string, method: string): Promise<{ outcome: Outcome; token?: string | undefined }> {
    this.stats.requests++;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
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
