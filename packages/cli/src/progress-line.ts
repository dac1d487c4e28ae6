import { createRequire } from 'node:module';
import { noProgress, redact, type ProgressEvent, type ProgressFn } from '@mixtape/core/base';
import type * as CliProgress from 'cli-progress';

/** Where progress goes: stderr, or a stand-in with `isTTY` in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US');

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

interface Phase {
  key: string;
  startMs: number;
  startDone: number;
}

/** The text beside the bar for one event at time `t`: count, rate, time left or elapsed, message. */
export function describe(e: ProgressEvent, phase: Phase, t: number): string {
  const parts = [e.total === undefined ? `${n(e.done)} ${e.unit}` : `${n(e.done)}/${n(e.total)} ${e.unit}`];
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

interface Payload {
  text: string;
  known: boolean;
}

/**
 * The CLI's one progress renderer: a cli-progress bar on a terminal, redrawn in place at most
 * four times a second, with the count, the rate and the time left (or a count without a bar when
 * the total is unknown). A new phase (another unit or total) replaces the bar and starts its own
 * rate; the bar is cleared when it ends, so the command's own output starts on a clean line.
 */
export class ProgressBars {
  private bar: CliProgress.SingleBar | undefined;
  private phase: Phase | undefined;
  private readonly lib: typeof CliProgress;

  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {
    // Loaded on first use, so that commands that show no progress never load it.
    this.lib = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  }

  readonly update: ProgressFn = (e: ProgressEvent) => {
    const t = this.now();
    const key = `${e.unit}|${e.total ?? ''}`;
    if (this.phase?.key !== key) {
      this.end();
      this.phase = { key, startMs: t, startDone: e.done };
    }
    const payload: Payload = { text: describe(e, this.phase!, t), known: e.total !== undefined && e.total > 0 };
    if (this.bar) {
      this.bar.update(e.done, payload);
      return;
    }
    this.bar = new this.lib.SingleBar({
      stream: this.out as NodeJS.WritableStream,
      fps: 4,
      barsize: 24,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      clearOnComplete: true,
      // cli-progress cuts the line to the terminal's width instead of switching wrapping off (a
      // crash would leave the terminal without it).
      linewrap: true,
      hideCursor: false,
      gracefulExit: false,
      format: (options, params, p: Payload) => (p.known ? `${this.lib.Format.BarFormat(params.progress, options)} ${p.text}` : p.text),
    });
    this.bar.start(e.total ?? 0, e.done, payload);
  };

  /** Clears the bar (if one is drawn), so that whatever is printed next starts at the left margin. */
  end(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.phase = undefined;
  }
}

/**
 * Progress for a command: bars when `stream` is a terminal and JSON is not asked for; nothing at
 * all otherwise (logs, pipes, the daemon, `--json`), so machine-read output stays clean.
 */
export function progressFor(stream: ProgressStream, json: boolean): { update: ProgressFn; end(): void } {
  if (stream.isTTY !== true || json) return { update: noProgress, end: () => {} };
  return new ProgressBars(stream);
}
