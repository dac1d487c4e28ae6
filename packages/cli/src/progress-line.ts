import { redact, type ProgressEvent, type ProgressFn } from '@mixtape/core';

/** Where the line goes (stderr; a collector in tests). */
export interface ProgressOutput {
  write(text: string): unknown;
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US');

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * The one progress renderer of the CLI: a single line redrawn in place with the count, the rate
 * and, when the total is known, the time left. The rate is measured from the first event of the
 * current phase (same unit and total), so a new phase (files, then plays) starts its own.
 */
export class ProgressLine {
  private phase: { key: string; startMs: number; startDone: number } | undefined;
  private lastDrawMs = -Infinity;
  private open = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
    private readonly minIntervalMs = 250,
  ) {}

  readonly update: ProgressFn = (e: ProgressEvent) => {
    const t = this.now();
    const key = `${e.unit}|${e.total ?? ''}`;
    if (this.phase?.key !== key) this.phase = { key, startMs: t, startDone: e.done };
    const final = e.total !== undefined && e.done >= e.total;
    if (!final && t - this.lastDrawMs < this.minIntervalMs) return;
    this.lastDrawMs = t;
    this.out.write(`\r\x1b[K${this.describe(e, t)}${final ? '\n' : ''}`);
    this.open = !final;
  };

  /** The line for one event at time `t` (without control characters). */
  describe(e: ProgressEvent, t: number): string {
    const parts = [e.total === undefined ? `${n(e.done)} ${e.unit}` : `${n(e.done)}/${n(e.total)} ${e.unit}`];
    const phase = this.phase!;
    const elapsed = t - phase.startMs;
    const rate = elapsed >= 1000 ? ((e.done - phase.startDone) * 1000) / elapsed : 0;
    if (rate > 0) {
      parts.push(`${rate >= 10 ? n(rate) : rate.toFixed(1)} ${e.unit}/s`);
      if (e.total !== undefined && e.done < e.total) parts.push(`${formatDuration(((e.total - e.done) / rate) * 1000)} left`);
    }
    if (elapsed >= 1000 && (e.total === undefined || e.done >= e.total || rate === 0)) parts.push(`${formatDuration(elapsed)} elapsed`);
    if (e.message) parts.push(redact(e.message));
    return parts.join(' · ');
  }

  /** Clears a half-drawn line, so that whatever is printed next starts at the left margin. */
  end(): void {
    if (!this.open) return;
    this.out.write('\r\x1b[K');
    this.open = false;
  }
}
