/**
 * The little XML the MNS client needs: escaping text content on the way out and pulling a few flat elements
 * out of responses on the way in. No dependency: the documents are tiny and fixed, and a general parser would
 * add weight to every cold start for no gain.
 */

/**
 * Code points XML 1.0 cannot carry at all, not even as character references:
 * C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE and U+FFFF.
 * (With the `u` flag a lone surrogate is its own code point, so it falls outside the allowed ranges.)
 */
const ILLEGAL_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Index and code point of the first character XML 1.0 cannot represent, or `undefined` when the text is clean. */
export function findIllegalXmlChar(text: string): { index: number; codePoint: number } | undefined {
  const match = ILLEGAL_XML_CHAR.exec(text);
  if (!match) return undefined;
  return { index: match.index, codePoint: match[0].codePointAt(0) ?? 0 };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be turned into LF by the server's XML parser (end-of-line normalisation), silently changing
  // the body and its MD5; a character reference survives normalisation.
  '\r': '&#13;',
};

/**
 * Escapes text for use as XML element content. Callers must check {@link findIllegalXmlChar} first:
 * characters XML cannot represent are not touched here.
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>"'\r]/g, (ch) => ESCAPES[ch] ?? ch);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Decodes the five predefined entities and numeric references; anything else is left verbatim. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return fromCodePointSafe(Number.parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return fromCodePointSafe(Number.parseInt(ref.slice(1), 10)) ?? whole;
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

function fromCodePointSafe(cp: number): string | undefined {
  return Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
}

/** True when the body plausibly is an XML document (after an optional BOM and whitespace). */
export function looksLikeXml(body: string): boolean {
  return /^\uFEFF?\s*</.test(body);
}

/** Name of the document's root element (skipping the XML declaration and comments), if any. */
export function xmlRootName(body: string): string | undefined {
  const stripped = body.replace(/^\uFEFF?\s*(<\?[\s\S]*?\?>\s*)?(<!--[\s\S]*?-->\s*)*/, '');
  return /^<([A-Za-z_][\w.-]*)[\s/>]/.exec(stripped)?.[1];
}

/**
 * Text of the first `<name>…</name>` element that holds only text, entity-decoded; `undefined` if absent.
 * Deliberately tolerant (attributes, whitespace, namespaces on the root): this reads *responses*, where being
 * picky buys nothing; shape validation happens afterwards with zod.
 */
export function readXmlElementText(body: string, name: string): string | undefined {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}\\s*>`);
  const m = re.exec(body);
  return m?.[1] === undefined ? undefined : decodeXmlEntities(m[1]);
}
