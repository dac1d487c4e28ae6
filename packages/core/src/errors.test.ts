import { describe, expect, it } from 'vitest';
import { MixtapeError, storageError } from './errors.js';

function errno(code: string, message: string, path?: string): Error {
  return Object.assign(new Error(message), { code, ...(path ? { path } : {}) });
}

describe('storageError', () => {
  it('names a full disk, from Node or from DuckDB', () => {
    const node = storageError(errno('ENOSPC', 'ENOSPC: no space left on device, write', '/tmp/x'), { remedy: 'point TMPDIR elsewhere', outcome: 'nothing was imported' });
    expect(node).toBeInstanceOf(MixtapeError);
    expect(node?.toJSON()).toEqual({
      code: 'disk_full',
      message: 'The disk holding /tmp/x is full; nothing was imported',
      suggestion: 'free some space (or point TMPDIR elsewhere) and run the command again',
    });
    expect(storageError(new Error('IO Error: Could not write all bytes to file "/d/mixtape.duckdb.wal": wrote 10/20'))?.message).toBe('The disk holding /d/mixtape.duckdb.wal is full');
    expect(storageError(errno('EDQUOT', 'EDQUOT: disk quota exceeded'), { where: 'a temp file' })?.code).toBe('disk_full');
  });

  it('names a file-size limit, not a full disk, even in a short write', () => {
    const duck = storageError(new Error('TransactionContext Error: Failed to commit: Could not write file "/d/mixtape.duckdb.wal": File too large'));
    expect(duck?.toJSON()).toMatchObject({ code: 'file_too_large', message: "Writing /d/mixtape.duckdb.wal went past this shell's file-size limit (ulimit -f)" });
    expect(storageError(errno('EFBIG', 'EFBIG: file too large, write'), { where: 'a temp file in /tmp' })?.message).toMatch(/^Writing a temp file in \/tmp went past/);
  });

  it('leaves every other failure alone', () => {
    expect(storageError(errno('EACCES', 'EACCES: permission denied'))).toBeUndefined();
    expect(storageError(new Error('Binder Error: column not found'))).toBeUndefined();
    expect(storageError('weird')).toBeUndefined();
  });
});
