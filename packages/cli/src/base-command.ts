import type { Interfaces } from '@oclif/core';
import { Command, Flags } from './oclif.js';
import { errorReport, isMixtapeError, redact, storageError, suggestionFor, type ProgressFn } from '@mixtape/core/base';
import type { OpenOptions } from '@mixtape/pipeline/store';
import { progressFor } from './progress-line.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof MixtapeCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/**
 * Every mixtape command: `--json` for free (run() returns a typed result), `--data-dir`, progress
 * on stderr, and expected failures as one line plus a suggestion (a stack only with DEBUG set).
 */
export abstract class MixtapeCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'data-dir': Flags.string({
      description: 'Folder that holds the Mixtape database (default: $MIXTAPE_DATA_DIR, else the XDG data dir)',
      env: 'MIXTAPE_DATA_DIR',
      helpGroup: 'GLOBAL',
    }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;

  public override async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof MixtapeCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
  }

  /** Store options from --data-dir / MIXTAPE_DATA_DIR. */
  protected storeOptions(extra: OpenOptions = {}): OpenOptions {
    const dir = this.flags['data-dir'];
    return dir ? { ...extra, dataDir: dir } : extra;
  }

  /** A share flag's value (0 to 1), or a usage error (exit 2) naming the flag. */
  protected share(value: string, flag: string): number {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) this.error(`--${flag} must be a number from 0 to 1, not "${value}"`, { exit: 2 });
    return x;
  }

  /** An epsilon flag's value: 0 (no noise) or a positive number; anything else is a usage error, never "no noise". */
  protected epsilon(value: string, flag = 'epsilon'): number {
    const x = Number(value);
    if (value.trim() === '' || Number.isNaN(x) || x < 0) this.error(`--${flag} must be 0 (no noise) or a positive number, not "${value}"`, { exit: 2 });
    return x;
  }

  private progressLine: ReturnType<typeof progressFor> | undefined;

  /**
   * A progress callback: a bar on stderr with rate and time left when stderr is a terminal,
   * silent when it is not (logs, pipes, the daemon) or with --json.
   */
  protected progress(): ProgressFn {
    this.progressLine ??= progressFor(process.stderr, this.jsonEnabled());
    return this.progressLine.update;
  }

  public override log(message?: string, ...args: unknown[]): void {
    this.progressLine?.end();
    super.log(message, ...args);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.progressLine?.end();
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    this.progressLine?.end();
    // A full disk or a file-size limit is the machine's state, not a bug, wherever it surfaced.
    const known = isMixtapeError(err) ? err : storageError(err);
    if (known) {
      const report = errorReport(known);
      if (this.jsonEnabled()) {
        this.logJson({ error: report });
      } else {
        process.stderr.write(`Error: ${redact(report.message)}\n`);
        if (report.suggestion) process.stderr.write(`Try: ${report.suggestion}\n`);
        if (process.env.DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
      }
      process.exitCode = known.exitCode;
      this.exit(known.exitCode);
    }
    // oclif's own parse errors and exits keep their behaviour.
    if ((err as { oclif?: unknown }).oclif !== undefined) return super.catch(err);
    process.stderr.write(`Error: internal_error: ${redact(err.message)}\n`);
    if (process.env.DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write(`Try: ${suggestionFor('internal_error')}\n`);
    process.exitCode = 2;
    this.exit(2);
  }
}
