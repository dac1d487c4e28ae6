import type { Rate } from './rate.js';

/** Time as the limiter sees it; tests pass a fake one, so no test sleeps for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

export interface LimiterOptions {
  /** The most the service is ever asked for: the configured rate, never exceeded by recovery. */
  rate: Rate;
  /** Requests in flight at once. */
  concurrency: number;
  /** Extra spacing per window for clock granularity (ms). */
  safetyMs?: number;
  /** What a 429 multiplies the rate by when the window shows nothing better (default 0.5). */
  backoffFactor?: number;
  /** How long without a 429 before the rate climbs one step (default two windows). */
  quietMs?: number;
  /** Requests per window added after each quiet period (default a tenth of the ceiling). */
  recoverStep?: number;
  clock?: Clock;
}

/** One admitted request: when it left, and when its answer came back (Infinity while in flight). */
export interface Slot {
  start: number;
  end: number;
}

/** Admission at a moment: a slot, or how long to wait (undefined: until a request in flight comes back). */
export type Admission = { slot: Slot } | { wait: number | undefined };

/**
 * The limiter of one service, shared by its reads and writes. A window log makes sure no rolling
 * window holds more than the rate allows; a pause set by a 429 or a used-up window holds every
 * request; the rate is adaptive (AIMD): a 429 multiplies it down, each quiet period adds some
 * back, up to the configured ceiling, so a guessed rate corrects itself in both directions.
 */
export class ServiceLimiter {
  readonly clock: Clock;
  private count: number;
  /** When the rate last changed: recovery counts quiet periods from here. */
  private changedAt: number;
  /** Up to here the rate climbs back in big steps; above it, where the server refused, one request at a time. */
  private probeFrom: number;
  /** Requests that left before the last back-off were sent at the old rate: their 429s do not count again. */
  private backedOffAt = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private slots: Slot[] = [];
  private inFlight = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(readonly options: LimiterOptions) {
    this.clock = options.clock ?? systemClock;
    this.count = options.rate.count;
    this.probeFrom = options.rate.count;
    this.changedAt = this.clock.now();
  }

  private get window(): number {
    return this.options.rate.perMs + (this.options.safetyMs ?? 2);
  }

  private get quietMs(): number {
    return this.options.quietMs ?? 2 * this.options.rate.perMs;
  }

  /**
   * The rate in force at `now`: lowered by 429s; each quiet period adds a step (a tenth of the
   * ceiling) while below `probeFrom`, then one request, so a limit the server showed is probed
   * gently instead of being crossed again every few windows.
   */
  rate(now = this.clock.now()): Rate {
    const ceiling = this.options.rate.count;
    const periods = Math.floor((now - this.changedAt) / this.quietMs);
    if (this.count < ceiling && periods > 0) {
      const step = this.options.recoverStep ?? Math.max(1, Math.ceil(ceiling / 10));
      const big = Math.min(periods, Math.max(0, Math.ceil((this.probeFrom - this.count) / step)));
      const climbed = big > 0 ? Math.max(this.count, Math.min(this.probeFrom, this.count + big * step)) : this.count;
      this.count = Math.min(ceiling, climbed + (periods - big));
      this.changedAt += periods * this.quietMs;
    }
    return { count: this.count, perMs: this.options.rate.perMs };
  }

  /**
   * Admits a request at `now` or says how long to wait. A request reached the server after it left
   * and before its answer came back, so one answered more than a window ago can no longer be in the
   * server's window, whatever the network did; one in flight, or answered within the window, may be.
   */
  admit(now = this.clock.now()): Admission {
    if (this.pausedUntil > now) return { wait: this.pausedUntil - now };
    if (this.inFlight >= this.options.concurrency) return { wait: undefined };
    const window = this.window;
    this.slots = this.slots.filter((x) => x.end > now - window);
    const count = this.rate(now).count;
    if (this.slots.length < count) {
      const slot = { start: now, end: Number.POSITIVE_INFINITY };
      this.slots.push(slot);
      this.inFlight++;
      return { slot };
    }
    // The moment enough answered requests leave the window; if those are still in flight, their answers decide.
    const ends = this.slots.map((x) => x.end).sort((x, y) => x - y);
    const e = ends[this.slots.length - count]!;
    return { wait: Number.isFinite(e) ? Math.max(1, e + window - now) : undefined };
  }

  /** Marks the answer of `slot` as come back, which may let the next request go. */
  release(slot: Slot, now = this.clock.now()): void {
    if (!Number.isFinite(slot.end)) this.inFlight--;
    slot.end = now;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Waits for admission, first come first served; `waitedMs` counts rate and pause waits, not the queue. */
  acquire(): Promise<{ slot: Slot; waitedMs: number }> {
    const turn = this.queue.then(() => this.waitForAdmission());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForAdmission(): Promise<{ slot: Slot; waitedMs: number }> {
    let waitedMs = 0;
    // Bounded in practice by releases and pauses; each pass either admits or waits.
    while (true) {
      const a = this.admit();
      if ('slot' in a) return { slot: a.slot, waitedMs };
      if (a.wait === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
      else {
        waitedMs += a.wait;
        await this.clock.sleep(a.wait);
      }
    }
  }

  /** Holds every request of the service until `until` (never shortens a pause already set). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /**
   * A 429 for the request of `slot`: multiplicative back-off, but no lower than just under what the
   * server let through in the last window (it counted those), and once per round of requests: those
   * sent before the last back-off went out at the old rate and say nothing new.
   */
  backOff(slot: Slot, now = this.clock.now()): void {
    if (slot.start <= this.backedOffAt) return;
    const current = this.rate(now).count;
    const inWindow = this.slots.filter((x) => x.start > now - this.options.rate.perMs).length;
    const halved = Math.max(1, Math.floor(current * (this.options.backoffFactor ?? 0.5)));
    const shown = Math.min(current - 1, inWindow - 2);
    this.count = Math.max(halved, shown);
    // A 429 our own window explains marks the server's limit: probe above it gently. One it does not
    // explain (another client of the same account) leaves the old rate worth climbing back to.
    this.probeFrom = shown >= halved ? this.count : current;
    this.changedAt = now;
    this.backedOffAt = now;
  }

  /** Milliseconds until the oldest request still counted leaves the window (after a 429 the server did not time). */
  windowClearsIn(now = this.clock.now()): number | undefined {
    const oldest = this.slots.reduce((m, x) => Math.min(m, x.end), Number.POSITIVE_INFINITY);
    return Number.isFinite(oldest) ? Math.max(0, oldest + this.window - now) : undefined;
  }
}

/**
 * One limiter per service for the whole process, so reads, writes and every client of a service
 * share its budget and its pauses. A service is its name and the origin it is reached at (a test
 * server, a mirror and the real API are different budgets); the first client's options create it.
 */
export class LimiterRegistry {
  private readonly limiters = new Map<string, ServiceLimiter>();

  for(service: string, baseUrl: string, options: LimiterOptions): ServiceLimiter {
    const key = `${service} ${URL.canParse(baseUrl) ? new URL(baseUrl).origin : baseUrl}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new ServiceLimiter(options);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

/** The process-wide registry every HttpClient uses unless it is handed a limiter. */
export const serviceLimiters = new LimiterRegistry();
