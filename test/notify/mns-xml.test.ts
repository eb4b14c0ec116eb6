import { describe, expect, it } from 'vitest';
import {
  decodeXmlEntities,
  escapeXmlText,
  findIllegalXmlChar,
  readXmlElementText,
  xmlRootName,
} from '../../lib/notify/xml.js';

describe('MNS client XML helpers', () => {
  it('escapes the five metacharacters and CR, and nothing else', () => {
    expect(escapeXmlText(`a&b<c>d"e'f\rg\nh\ti 回滚 🚀`)).toBe(
      'a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g\nh\ti 回滚 🚀',
    );
    expect(escapeXmlText('&amp;')).toBe('&amp;amp;');
  });

  it('decodes what it escapes', () => {
    const text = `<x a="1"> & 'y' \r ]]>`;
    expect(decodeXmlEntities(escapeXmlText(text))).toBe(text);
    expect(decodeXmlEntities('&#x4E2D;&#25991;&unknown;')).toBe('中文&unknown;');
  });

  it('finds characters XML 1.0 cannot carry', () => {
    expect(findIllegalXmlChar('ok\t\n\r 回滚 🚀 \uE000 \uFFFD')).toBeUndefined();
    expect(findIllegalXmlChar('ab\u0001')).toEqual({ index: 2, codePoint: 1 });
    expect(findIllegalXmlChar('\u001F')).toEqual({ index: 0, codePoint: 0x1f });
    expect(findIllegalXmlChar('x\uFFFE')).toEqual({ index: 1, codePoint: 0xfffe });
    expect(findIllegalXmlChar('x\uDC00y')).toEqual({ index: 1, codePoint: 0xdc00 });
    expect(findIllegalXmlChar('🚀\uD83D')).toEqual({ index: 2, codePoint: 0xd83d });
  });

  it('reads flat elements and the root name from responses', () => {
    const xml = '<?xml version="1.0"?>\n<!-- c --><Error xmlns="x">\n <Code>A&amp;B</Code><Message/></Error>';
    expect(xmlRootName(xml)).toBe('Error');
    expect(readXmlElementText(xml, 'Code')).toBe('A&B');
    expect(readXmlElementText(xml, 'RequestId')).toBeUndefined();
  });
});
