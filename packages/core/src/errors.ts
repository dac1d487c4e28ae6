import { suggestionFor, type ErrorCode } from './error-codes.js';

/**
 * The one error family for expected failures. The CLI prints `message` and `suggestion` on one
 * line each and exits non-zero; anything that is not a MixtapeError is reported as `internal_error`.
 * The code is one of the catalogue's (`ERROR_CATALOGUE`), which also holds the suggestion the CLI
 * falls back on when the throw site gives none.
 */
export class MixtapeError extends Error {
  override readonly name = 'MixtapeError';
  readonly code: ErrorCode;
  readonly suggestion: string | undefined;
  readonly exitCode: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { suggestion?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.suggestion = options.suggestion;
    this.exitCode = options.exitCode ?? 1;
  }

  toJSON(): { code: ErrorCode; message: string; suggestion?: string } {
    return this.suggestion === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, suggestion: this.suggestion };
  }
}

/**
 * What the CLI shows for an expected failure: the throw site's suggestion, else the catalogue's for
 * the code. Takes a plain shape so that an error from another copy of this module works too.
 */
export function errorReport(err: { code: string; message: string; suggestion?: string | undefined }): { code: string; message: string; suggestion?: string } {
  const suggestion = err.suggestion ?? suggestionFor(err.code);
  return suggestion === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, suggestion };
}

/** True for MixtapeError instances, including ones from another copy of this module. */
export function isMixtapeError(err: unknown): err is MixtapeError {
  return err instanceof Error && err.name === 'MixtapeError' && typeof (err as { code?: unknown }).code === 'string';
}

/** Node's codes and DuckDB's words for a disk that is full (or over quota). */
const DISK_FULL = /\b(ENOSPC|EDQUOT)\b|No space left on device|Disk quota exceeded|disk is full|Could not write all bytes/i;
/** A file-size limit (RLIMIT_FSIZE, `ulimit -f`): Node ignores SIGXFSZ, so writes fail with EFBIG. */
const FILE_TOO_LARGE = /\bEFBIG\b|File too large/i;

/**
 * The MixtapeError for a write that failed for lack of room (`disk_full`) or a file-size limit
 * (`file_too_large`), or undefined for any other failure. `where` names what was being written
 * (else the path the error names); `remedy` is a second way out besides freeing space.
 */
export function storageError(err: unknown, options: { where?: string; remedy?: string; outcome?: string } = {}): MixtapeError | undefined {
  const code = typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : '';
  const msg = `${code} ${err instanceof Error ? err.message : String(err)}`;
  // A short write under a file-size limit can read like a full disk: the limit's own words win.
  const full = !FILE_TOO_LARGE.test(msg) && DISK_FULL.test(msg);
  if (!full && !FILE_TOO_LARGE.test(msg)) return undefined;
  const path = (err as { path?: unknown } | null)?.path;
  const where = options.where ?? (typeof path === 'string' ? path : /"([^"]+)"/.exec(msg)?.[1]) ?? 'its files';
  const outcome = options.outcome ? `; ${options.outcome}` : '';
  if (full) {
    return new MixtapeError('disk_full', `The disk holding ${where} is full${outcome}`, {
      suggestion: `free some space${options.remedy ? ` (or ${options.remedy})` : ''} and run the command again`,
      cause: err,
    });
  }
  return new MixtapeError('file_too_large', `Writing ${where} went past this shell's file-size limit (ulimit -f)${outcome}`, {
    suggestion: 'raise the limit (ulimit -f unlimited) and run the command again',
    cause: err,
  });
}
