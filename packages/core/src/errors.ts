/**
 * The one error family for expected failures. The CLI prints `message` and `suggestion` on one
 * line each and exits non-zero; anything that is not a MixtapeError is reported as `internal_error`.
 */
export class MixtapeError extends Error {
  override readonly name = 'MixtapeError';
  readonly code: string;
  readonly suggestion: string | undefined;
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    options: { suggestion?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.suggestion = options.suggestion;
    this.exitCode = options.exitCode ?? 1;
  }

  toJSON(): { code: string; message: string; suggestion?: string } {
    return this.suggestion === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, suggestion: this.suggestion };
  }
}

/** True for MixtapeError instances, including ones from another copy of this module. */
export function isMixtapeError(err: unknown): err is MixtapeError {
  return err instanceof Error && err.name === 'MixtapeError' && typeof (err as { code?: unknown }).code === 'string';
}
