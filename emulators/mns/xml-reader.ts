/**
 * A small, strict XML reader for the MNS emulator: enough XML 1.0 to parse request documents such as
 * `<Message><MessageBody>…</MessageBody></Message>` and to *refuse* anything a conforming parser would refuse.
 *
 * No dependency on purpose: the shape is tiny and fixed, and the XML libraries at hand are lenient (they accept
 * a bare `&` or `<` in text and "repair" it), which would hide the very escaping bug the emulator exists to catch.
 * It is also independent of the client's own escaping code, so a bug there cannot be mirrored here.
 *
 * Supported: XML declaration, comments, elements, attributes, character data, CDATA sections, the five predefined
 * entities and numeric character references, end-of-line normalisation. Refused: DOCTYPE (and so custom entities),
 * raw `<`/`&` in text, `]]>` in text, characters outside the XML 1.0 Char production, mismatched tags, trailing
 * content.
 */

/** A parsed element. `text` is all character data directly inside the element, in document order. */
export interface XmlElement {
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  text: string;
}

/** The document is not well-formed XML (maps to MNS `MalformedXML`). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

/** XML 1.0 `Char`: TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses a whole document and returns its root element, or throws {@link XmlSyntaxError}. */
export function parseXmlDocument(source: string): XmlElement {
  // XML 1.0 §2.11: a parser sees CRLF and lone CR as LF before anything else.
  const reader = new Reader(source.replace(/\r\n?/g, '\n'));
  return reader.document();
}

class Reader {
  #pos = 0;
  readonly #src: string;

  constructor(src: string) {
    this.#src = src;
    for (const ch of src) {
      const cp = ch.codePointAt(0) ?? 0;
      if (!isXmlChar(cp)) throw new XmlSyntaxError(`illegal character U+${cp.toString(16).toUpperCase()}`);
    }
  }

  document(): XmlElement {
    if (this.#src.startsWith('\uFEFF')) this.#pos = 1;
    if (this.#startsWith('<?xml') && /\s/.test(this.#src[this.#pos + 5] ?? '')) this.#declaration();
    this.#misc();
    if (this.#startsWith('<!DOCTYPE')) throw new XmlSyntaxError('DOCTYPE is not allowed');
    if (!this.#startsWith('<')) throw new XmlSyntaxError('expected the root element');
    const root = this.#element();
    this.#misc();
    if (this.#pos !== this.#src.length) throw new XmlSyntaxError(`unexpected content after the root element`);
    return root;
  }

  #declaration(): void {
    const end = this.#src.indexOf('?>', this.#pos);
    if (end < 0) throw new XmlSyntaxError('unterminated XML declaration');
    const decl = this.#src.slice(this.#pos + 5, end);
    if (
      !/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        decl,
      )
    ) {
      throw new XmlSyntaxError('malformed XML declaration');
    }
    const encoding = /encoding\s*=\s*["']([^"']+)["']/.exec(decl)?.[1];
    if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') {
      throw new XmlSyntaxError(`unsupported encoding ${encoding}`);
    }
    this.#pos = end + 2;
  }

  /** Whitespace and comments (processing instructions are not expected by MNS and are refused). */
  #misc(): void {
    for (;;) {
      this.#skipSpace();
      if (this.#startsWith('<!--')) this.#comment();
      else return;
    }
  }

  #comment(): void {
    const end = this.#src.indexOf('-->', this.#pos + 4);
    if (end < 0) throw new XmlSyntaxError('unterminated comment');
    if (this.#src.slice(this.#pos + 4, end).includes('--')) throw new XmlSyntaxError('"--" inside a comment');
    this.#pos = end + 3;
  }

  #element(): XmlElement {
    this.#expect('<');
    const name = this.#name();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.#skipSpace();
      if (this.#startsWith('/>')) {
        this.#pos += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (this.#startsWith('>')) {
        this.#pos += 1;
        break;
      }
      if (!hadSpace) throw new XmlSyntaxError(`expected whitespace before an attribute in <${name}>`);
      const attr = this.#name();
      this.#skipSpace();
      this.#expect('=');
      this.#skipSpace();
      if (attributes.has(attr)) throw new XmlSyntaxError(`duplicate attribute ${attr}`);
      attributes.set(attr, this.#attributeValue());
    }

    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (this.#pos >= this.#src.length) throw new XmlSyntaxError(`unterminated element <${name}>`);
      if (this.#startsWith('</')) {
        this.#pos += 2;
        const closing = this.#name();
        if (closing !== name) throw new XmlSyntaxError(`</${closing}> does not close <${name}>`);
        this.#skipSpace();
        this.#expect('>');
        return { name, attributes, children, text };
      }
      if (this.#startsWith('<!--')) this.#comment();
      else if (this.#startsWith('<![CDATA[')) {
        const end = this.#src.indexOf(']]>', this.#pos + 9);
        if (end < 0) throw new XmlSyntaxError('unterminated CDATA section');
        text += this.#src.slice(this.#pos + 9, end);
        this.#pos = end + 3;
      } else if (this.#startsWith('<!') || this.#startsWith('<?')) {
        throw new XmlSyntaxError('unexpected markup declaration or processing instruction');
      } else if (this.#startsWith('<')) children.push(this.#element());
      else if (this.#startsWith('&')) text += this.#reference();
      else {
        const next = this.#src.slice(this.#pos).search(/[<&]/);
        const end = next < 0 ? this.#src.length : this.#pos + next;
        const chunk = this.#src.slice(this.#pos, end);
        if (chunk.includes(']]>')) throw new XmlSyntaxError('"]]>" is not allowed in character data');
        text += chunk;
        this.#pos = end;
      }
    }
  }

  #attributeValue(): string {
    const quote = this.#src[this.#pos];
    if (quote !== '"' && quote !== "'") throw new XmlSyntaxError('attribute value must be quoted');
    this.#pos += 1;
    let value = '';
    for (;;) {
      const ch = this.#src[this.#pos];
      if (ch === undefined) throw new XmlSyntaxError('unterminated attribute value');
      if (ch === quote) {
        this.#pos += 1;
        return value;
      }
      if (ch === '<') throw new XmlSyntaxError('"<" is not allowed in an attribute value');
      if (ch === '&') value += this.#reference();
      else {
        // Attribute-value normalisation: literal whitespace becomes a space.
        value += /[\t\n]/.test(ch) ? ' ' : ch;
        this.#pos += 1;
      }
    }
  }

  /** `&name;`, `&#NN;` or `&#xHH;` at the cursor; a bare `&` is a well-formedness error. */
  #reference(): string {
    const m = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z_][A-Za-z0-9_.-]*));/y;
    m.lastIndex = this.#pos;
    const hit = m.exec(this.#src);
    if (!hit) throw new XmlSyntaxError(`bare "&" at offset ${this.#pos}`);
    this.#pos = m.lastIndex;
    if (hit[3] !== undefined) {
      const value = PREDEFINED[hit[3]];
      if (value === undefined) throw new XmlSyntaxError(`undefined entity &${hit[3]};`);
      return value;
    }
    const cp = hit[1] !== undefined ? Number.parseInt(hit[1], 16) : Number.parseInt(hit[2] ?? '', 10);
    if (!Number.isSafeInteger(cp) || !isXmlChar(cp))
      throw new XmlSyntaxError(`reference to illegal character ${hit[0]}`);
    return String.fromCodePoint(cp);
  }

  #name(): string {
    NAME.lastIndex = this.#pos;
    const hit = NAME.exec(this.#src);
    if (!hit) throw new XmlSyntaxError(`expected a name at offset ${this.#pos}`);
    this.#pos = NAME.lastIndex;
    return hit[0];
  }

  #skipSpace(): boolean {
    const start = this.#pos;
    while (/[ \t\n]/.test(this.#src[this.#pos] ?? '')) this.#pos += 1;
    return this.#pos > start;
  }

  #startsWith(s: string): boolean {
    return this.#src.startsWith(s, this.#pos);
  }

  #expect(s: string): void {
    if (!this.#startsWith(s)) throw new XmlSyntaxError(`expected "${s}" at offset ${this.#pos}`);
    this.#pos += s.length;
  }
}
