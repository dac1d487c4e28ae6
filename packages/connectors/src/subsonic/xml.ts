/** An XML element read into plain data: attributes as properties, children as arrays by name. */
export type XmlObject = { [k: string]: string | XmlObject[] };

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const m: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return m[e.toLowerCase()] ?? _;
  });

/**
 * Reads Subsonic's XML answers (attributes carry the data; text content is ignored) into the
 * same shape as their JSON form, but with every child as an array. Enough for servers that do
 * not answer `f=json`.
 */
export function parseSubsonicXml(text: string): { name: string; value: XmlObject } | undefined {
  const stack: { name: string; value: XmlObject }[] = [];
  let root: { name: string; value: XmlObject } | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  for (const m of text.matchAll(tag)) {
    if (m[2] === undefined) continue;
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      stack.pop();
      continue;
    }
    const value: XmlObject = {};
    for (const a of (attrs ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) value[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const node = { name: name!, value };
    const parent = stack[stack.length - 1];
    if (parent) {
      const list = (parent.value[name!] as XmlObject[] | undefined) ?? [];
      list.push(value);
      parent.value[name!] = list;
    } else root ??= node;
    if (!selfClose) stack.push(node);
  }
  return root;
}
