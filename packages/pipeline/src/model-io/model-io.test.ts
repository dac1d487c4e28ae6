import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { fitFromFile, recommendFromModel } from './model-jobs.js';
import { readInteractionsFile, readItemFeaturesFile, readUserIds } from './interactions-file.js';
import { plainCsvColumns, readColumns, type CodedColumns } from './read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mixtape-model-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('interaction and feature files', () => {
  it('reads CSV and Parquet into the same CSR interactions', async () => {
    const csv = writeCsv('plays.csv', 'user,item,weight,ts\nu1,a,3,2024-01-01\nu1,b,1,2024-01-02\nu2,a,2,2024-01-03\nu1,a,1,2024-01-04\n');
    const pq = join(dir, 'plays.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${pq}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
    const a = await readInteractionsFile(csv);
    const b = await readInteractionsFile(pq);
    for (const x of [a, b]) {
      expect(x.userIds).toEqual(['u1', 'u2']);
      expect(x.itemIds).toEqual(['a', 'b']);
      expect(Array.from(x.indptr)).toEqual([0, 2, 3]);
      expect(Array.from(x.values)).toEqual([4, 1, 2]);
    }
  });

  it('defaults the weight to 1 and reads features and user lists', async () => {
    const x = await readInteractionsFile(writeCsv('noweight.csv', 'item,user\na,1\nb,1\n'));
    expect(Array.from(x.values)).toEqual([1, 1]);
    expect(x.userIds).toEqual(['1']);
    const f = await readItemFeaturesFile(writeCsv('tags.csv', 'item,feature,weight\na,tag:rock,2\nzz,tag:pop,1\n'), x.itemIds, 64);
    expect(Array.from(f.indptr)).toEqual([0, 1, 1]);
    expect(await readUserIds(writeCsv('users.txt', '7\n8\n7\n'))).toEqual(['7', '8']);
    const padded = await readInteractionsFile(writeCsv('padded.csv', 'user,item,weight\n007,0042,1.5\n'));
    expect([padded.userIds[0], padded.itemIds[0], padded.values[0]]).toEqual(['007', '0042', 1.5]);
    expect(await readUserIds(writeCsv('users.csv', 'user,x\n9,1\n'))).toEqual(['9']);
  });

  it('names the file and the problem for bad input', async () => {
    const missing = writeCsv('bad.csv', 'who,what\n1,2\n');
    await expect(readInteractionsFile(missing)).rejects.toThrow(`The interactions file ${missing} lacks columns user, item`);
    const nan = writeCsv('nan.csv', 'user,item,weight\n1,a,3\n1,b,lots\n');
    await expect(readInteractionsFile(nan)).rejects.toThrow(new RegExp(`${nan.replace(/[.]/g, '\\.')}`));
    await expect(readInteractionsFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'file_not_found' });
    await expect(readInteractionsFile(dir)).rejects.toMatchObject({ code: 'bad_file' });
    const blank = writeCsv('blank-user.csv', 'user,item,weight\n1,a,3\n,b,1\n');
    await expect(readInteractionsFile(blank)).rejects.toMatchObject({ code: 'bad_file', message: `The interactions file ${blank} has no user on data row 2` });
    const untagged = writeCsv('blank-feature.csv', 'item,feature\na,tag:rock\nb,\n');
    await expect(readItemFeaturesFile(untagged, ['a', 'b'])).rejects.toMatchObject({ message: `The item features file ${untagged} has no feature on data row 2` });
    const zero = writeCsv('zero.csv', 'user,item,weight\n1,a,0\n');
    await expect(readInteractionsFile(zero)).rejects.toThrow(/no rows with a positive weight/);
    const ragged = writeCsv('ragged.csv', `user,item,weight\n${'1,a,3\n'.repeat(50)}1,b,2,extra,columns\n`);
    await expect(readInteractionsFile(ragged)).rejects.toMatchObject({
      code: 'bad_file',
      message: `The interactions file ${ragged} has rows with more columns than its header (user, item are in the header)`,
    });
    // A header that ends in LF above rows that end in CR LF (rows pasted from another file).
    const mixed = writeCsv('mixed.csv', `user,item,weight\n${'u1,a,3\r\nu2,b,1\r\n'.repeat(20)}`);
    await expect(readInteractionsFile(mixed)).rejects.toMatchObject({
      code: 'bad_file',
      message: `The interactions file ${mixed} mixes line endings (some lines end in CR LF, others in LF)`,
    });
    expect((await readInteractionsFile(writeCsv('crlf.csv', 'user,item,weight\r\nu1,a,3\r\nu2,b,1\r\n'))).userIds).toHaveLength(2);
    const plays = writeCsv('ok-plays.csv', 'user,item,weight\nu1,a,3\nu2,b,1\n');
    const strangers = writeCsv('stranger-tags.csv', 'item,feature\nzz,tag:rock\n');
    const out = join(dir, 'never-written');
    await expect(fitFromFile({ interactions: plays, itemFeatures: strangers, out })).rejects.toMatchObject({
      code: 'bad_file',
      message: `No item of the interactions file ${plays} has a row in the item features file ${strangers}`,
    });
    expect(existsSync(out)).toBe(false);
    const cut = join(dir, 'cut.parquet');
    writeFileSync(cut, Buffer.from('PAR1 not really a parquet file'));
    await expect(readInteractionsFile(cut)).rejects.toMatchObject({ code: 'bad_file', suggestion: expect.stringContaining('Parquet') as unknown });
  });
});

describe('plain CSV files read without DuckDB', () => {
  const decode = (c: CodedColumns) => ({
    rows: c.rows,
    ...Object.fromEntries(Object.entries(c.text).map(([k, v]) => [k, Array.from(v!.codes, (code) => v!.dict[code])])),
    ...Object.fromEntries(Object.entries(c.numbers).map(([k, v]) => [k, Array.from(v!)])),
  });
  const args: [string[], string[], string[]] = [['user', 'item'], ['weight', 'ts'], ['weight']];

  it('gives exactly what DuckDB gives', async () => {
    const files = {
      'comma.csv': 'user,item,weight\nu1,a,3\nu2,b,1.5\nu1,a,-0\nu3,007,1e3\nu2,b,2.50\n',
      'tabs.tsv': 'ts\tITEM\tUser\tweight\n2024\tx y\t u1\t4\n2025\tx y\tu2 \t12\n',
      'semicolon.csv': 'item;user;extra\nÉté;ü;1\n東京;ü;2\n',
      'bar.csv': 'user|item|weight\n1|a|0\n2|b|3',
      'commas-in-values.tsv': 'user\titem\tweight\n1\ta,b\t3\n',
      'crlf.csv': 'user,item,weight\r\nu1,a,3\r\nu2,b,1\r\n',
      'crlf-no-last-newline.csv': 'user,item,weight\r\nu1,a,3\r\nu2,b,1',
    };
    for (const [name, text] of Object.entries(files)) {
      const path = writeCsv(name, text);
      const plain = plainCsvColumns(path, ...args);
      expect(plain?.rows, name).toBe(text.trimEnd().split('\n').length - 1);
      if (name.startsWith('crlf')) expect(plain!.text.item!.dict, name).toEqual(['a', 'b']);
      const viaDuckDb = await readColumns(path, args[0], args[1], 'file', args[2]);
      const want = Object.fromEntries(Object.entries(viaDuckDb).filter(([, v]) => v).map(([k, v]) => [k, v!.map((x) => (args[2].includes(k) ? Number(x) : x))]));
      expect(decode(plain!), name).toEqual({ rows: viaDuckDb.user!.length, ...want });
    }
  });

  it('leaves every other file to DuckDB', () => {
    const others: Record<string, string | Buffer> = {
      'quoted.csv': 'user,item,weight\nu1,"a, b",3\n',
      'crlf-header-only.csv': 'user,item,weight\r\nu1,a,3\nu2,b,1\n',
      'crlf-rows-only.csv': 'user,item,weight\nu1,a,3\r\n',
      'cr-in-a-value.csv': 'user,item,weight\r\nu1,a\rb,3\r\n',
      'cr-ending-the-file.csv': 'user,item,weight\r\nu1,a,3\r',
      'bom.csv': '\uFEFFuser,item,weight\nu1,a,3\n',
      'empty-field.csv': 'user,item,weight\nu1,,3\n',
      'narrow.csv': 'user,item,weight\nu1,a\n',
      'wide.csv': 'user,item,weight\nu1,a,3,4\n',
      'spaced-number.csv': 'user,item,weight\nu1,a, 3\n',
      'hex-number.csv': 'user,item,weight\nu1,a,0x10\n',
      'two-delimiters.csv': 'user,item;weight\nu1,a;3\n',
      'same-name-twice.csv': 'user,item,item\nu1,a,b\n',
      'missing-column.csv': 'user,weight\nu1,3\n',
      'blank-line.csv': 'user,item,weight\nu1,a,3\n\nu2,b,1\n',
      'latin1.csv': Buffer.concat([Buffer.from('user,item,weight\nu1,'), Buffer.from([0xe9]), Buffer.from(',3\n')]),
      'header-only.csv': 'user,item,weight',
      'rows.parquet': 'user,item,weight\nu1,a,3\n',
    };
    for (const [name, body] of Object.entries(others)) {
      const path = join(dir, name);
      writeFileSync(path, body);
      expect(plainCsvColumns(path, ...args), name).toBeUndefined();
    }
    expect(plainCsvColumns(dir, ...args)).toBeUndefined();
  });
});

describe('fit and recommend from files', () => {
  it('fits, saves, and recommends unseen items per user', async () => {
    const rows = ['user,item,weight'];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 8; i++) rows.push(`u${u},${u % 2 ? 'odd' : 'even'}${(u + i) % 12},${1 + i}`);
    const plays = writeCsv('many.csv', `${rows.join('\n')}\n`);
    const out = join(dir, 'model');
    const s = await fitFromFile({ interactions: plays, out, quantize: 'int8', params: { factors: 8, iterations: 3 } });
    expect(s).toMatchObject({ users: 30, interactions: 240, dtype: 'int8', factors: 8 });
    const lines = [];
    for await (const l of recommendFromModel({ model: out, user: 'u0', k: 3, excludeSeen: true })) lines.push(l);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.items).toHaveLength(3);
    for (const item of lines[0]!.items) expect(item.startsWith('even')).toBe(true);
    const unknown = [];
    for await (const l of recommendFromModel({ model: out, user: 'nobody', k: 3 })) unknown.push(l);
    expect(unknown).toEqual([{ user: 'nobody', items: [] }]);
  });
});
