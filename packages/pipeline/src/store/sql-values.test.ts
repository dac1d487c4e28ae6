import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));
const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|COPY)\b/;
/** A constant (`SOURCE`, `TOP_N`): fixed at build time, so not a value from outside. */
const CONSTANT = /^[A-Z][A-Z0-9_]*$/;

/** Each `${…}` of a SQL template literal that splices a value: inside quotes, or after LIMIT/OFFSET or a comparison. */
function splicedValues(file: string, text: string): string[] {
  const found: string[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  // A template nested in a SQL template (`${limit ? `LIMIT ${n}` : ''}`) is SQL too.
  const visit = (node: ts.Node, inSql: boolean): void => {
    const sql = ts.isTemplateExpression(node) && (inSql || SQL.test(node.getText()));
    if (sql) {
      let before = node.head.text;
      for (const span of node.templateSpans) {
        const expr = span.expression.getText();
        const after = span.literal.text;
        const quoted = before.endsWith("'") && after.startsWith("'");
        // `= ${alias}.col` names a table alias, not a value.
        const operand = /(\bLIMIT|\bOFFSET|[=<>])\s*$/i.test(before) && !after.startsWith('.');
        if ((quoted || operand) && !CONSTANT.test(expr)) {
          found.push(`${file}:${source.getLineAndCharacterOfPosition(span.getStart()).line + 1}: ${expr}`);
        }
        before = after;
      }
    }
    ts.forEachChild(node, (child) => visit(child, sql || inSql));
  };
  visit(source, false);
  return found;
}

describe('SQL in the source tree', () => {
  it('binds every value as a parameter, never splices one into the text', () => {
    const found: string[] = [];
    let scanned = 0;
    for (const pkg of readdirSync(PACKAGES)) {
      let files: string[];
      try {
        files = readdirSync(join(PACKAGES, pkg, 'src'), { recursive: true, encoding: 'utf8' });
      } catch {
        continue;
      }
      for (const f of files.filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) {
        scanned++;
        found.push(...splicedValues(`${pkg}/src/${f}`, readFileSync(join(PACKAGES, pkg, 'src', f), 'utf8')));
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it('sees a spliced value when there is one', () => {
    const sample = 'const q = (n: number, s: string) => [`SELECT * FROM t LIMIT ${n}`, `SELECT * FROM t WHERE source = \'${s}\'`, `SELECT * FROM t WHERE a = ${s}`, `SELECT ${COLS} FROM t LIMIT ${TOP_N}`];';
    expect(splicedValues('x.ts', sample)).toEqual(['x.ts:1: n', 'x.ts:1: s', 'x.ts:1: s']);
    const nested = 'const q = (n?: number) => `SELECT * FROM t ORDER BY a ${n === undefined ? \'\' : `LIMIT ${Math.floor(n)}`}`;';
    expect(splicedValues('y.ts', nested)).toEqual(['y.ts:1: Math.floor(n)']);
  });
});
