import { MixtapeError } from '../errors.js';

/** A request budget: at most `count` requests in any window of `perMs` milliseconds. */
export interface Rate {
  count: number;
  perMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Parses "50/5s", "1/s", "180/30s", "300/1m" into a Rate; throws a MixtapeError on anything else. */
export function parseRate(text: string, name = 'rate'): Rate {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|min|m|h)\s*$/i.exec(text);
  if (!m) {
    throw new MixtapeError('invalid_rate', `${name} "${text}" is not a rate like 50/5s`, {
      suggestion: 'write the rate as COUNT/WINDOW, for example 50/5s, 1/s or 300/1m',
    });
  }
  const count = Number(m[1]);
  const perMs = Number(m[2] ?? 1) * (UNITS[m[3]!.toLowerCase()] ?? 1000);
  if (!(count > 0) || !(perMs > 0)) {
    throw new MixtapeError('invalid_rate', `${name} "${text}" must be positive`, { suggestion: 'use a rate like 50/5s' });
  }
  return { count, perMs };
}

/** The rate for a service: MIXTAPE_<SERVICE>_RATE from the environment when set, else the default. */
export function rateFromEnv(service: string, fallback: string, env: NodeJS.ProcessEnv = process.env): Rate {
  const key = `MIXTAPE_${service.toUpperCase()}_RATE`;
  const value = env[key];
  return parseRate(value && value.trim() !== '' ? value : fallback, key);
}

/** Human form of a rate, for logs and summaries. */
export function formatRate(rate: Rate): string {
  return `${rate.count}/${rate.perMs % 1000 === 0 ? `${rate.perMs / 1000}s` : `${rate.perMs}ms`}`;
}
