import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';

/**
 * An XML element read into plain data: attributes as properties, child elements as arrays by name
 * (a child with only text, like OpenSubsonic's `<isrc>`, is its text).
 */
export type XmlObject = { [k: string]: string | (XmlObject | string)[] };

let fxp: { parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator } | undefined;

/**
 * The parser, made on first use: only a Subsonic server answering in XML needs it, and loading
 * fast-xml-parser costs every command ~45 ms of start-up (bench/startup.ts). Its CommonJS build is
 * loaded so that this stays synchronous.
 */
function xml(): { parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator } {
  if (fxp) return fxp;
  const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp;
  fxp = { parser: new XMLParser(PARSER_OPTIONS), validator: XMLValidator };
  return fxp;
}

// Attributes carry Subsonic's data; every child element is a list, as one can repeat.
const PARSER_OPTIONS: Fxp.X2jOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
  // Text beside attributes (`<genre songCount="3">Rock</genre>`) is `value`, as in the JSON form.
  textNodeName: 'value',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
};

/** An empty element (`<x></x>`) is an object with nothing in it, as in the JSON form. */
function tidy(v: unknown): XmlObject | string {
  if (v === '') return {};
  if (typeof v !== 'object' || v === null) return String(v);
  const out: XmlObject = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = Array.isArray(x) ? x.map(tidy) : String(x);
  return out;
}

/**
 * Reads a Subsonic XML answer (http://www.subsonic.org/pages/api.jsp) with fast-xml-parser into the
 * shape of its JSON form, except that every child is a list. Undefined when the text is not
 * well-formed XML or has no root element.
 */
export function parseSubsonicXml(text: string): { name: string; value: XmlObject } | undefined {
  const { parser, validator } = xml();
  if (validator.validate(text) !== true) return undefined;
  const doc = parser.parse(text) as Record<string, unknown[]>;
  const name = Object.keys(doc)[0];
  const root = name === undefined ? undefined : doc[name]?.[0];
  if (name === undefined || root === undefined) return undefined;
  const value = tidy(root);
  return { name, value: typeof value === 'string' ? {} : value };
}
