import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSubsonicXml } from './xml.js';

const DIR = resolve(fileURLToPath(import.meta.url), '../../../../../../shared/data/api-samples/subsonic/navidrome-snapshots');

/** The JSON form with every child as a list and every scalar as text, as XML carries them. */
function asXml(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asXml);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.map(asXml) : typeof x === 'object' && x !== null ? [asXml(x)] : String(x)]));
  return String(v);
}

/** Every attribute and child the XML has is in the JSON with the same value (JSON adds empty defaults and leaves out false). */
function within(xml: unknown, json: unknown, path: string): string[] {
  // A text element (albumInfo's <notes>) is a list in XML and a plain value in JSON.
  if (Array.isArray(xml) && xml.length === 1 && typeof xml[0] === 'string' && typeof json === 'string') return within(xml[0], json, path);
  // A text-only element is a string in XML; JSON gives some of them as `{ value }` (lyrics lines).
  const j1 = json as Record<string, unknown> | null;
  if (typeof xml === 'string' && j1 !== null && typeof j1 === 'object' && Object.keys(j1).length === 1 && typeof j1.value === 'string') return within(xml, j1.value, path);
  if (typeof xml === 'string' || typeof json === 'string') return xml === json ? [] : [`${path}: ${JSON.stringify(xml)} ≠ ${JSON.stringify(json)}`];
  if (Array.isArray(xml)) {
    if (!Array.isArray(json) || json.length !== xml.length) return [`${path}: ${xml.length} items ≠ ${JSON.stringify(json)}`];
    return xml.flatMap((x, i) => within(x, json[i], `${path}[${i}]`));
  }
  const j = json as Record<string, unknown>;
  return Object.entries(xml as Record<string, unknown>).filter(([k]) => k !== 'xmlns').flatMap(([k, x]) => (k in j ? within(x, j[k], `${path}.${k}`) : x === 'false' ? [] : [`${path}.${k}: not in JSON`]));
}

describe('Subsonic XML as Navidrome serves it', () => {
  const pairs = readdirSync(DIR).filter((f) => f.endsWith('.XML')).map((f) => [f, f.replace(/\.XML$/, '.JSON')] as const);

  it('reads every snapshot into what its JSON twin says', () => {
    expect(pairs.length).toBeGreaterThan(50);
    for (const [xmlFile, jsonFile] of pairs) {
      const doc = parseSubsonicXml(readFileSync(join(DIR, xmlFile), 'utf8'));
      expect(doc?.name, xmlFile).toBe('subsonic-response');
      const json = asXml(JSON.parse(readFileSync(join(DIR, jsonFile), 'utf8')));
      expect(within(doc!.value, json, xmlFile)).toEqual([]);
    }
  });
});
