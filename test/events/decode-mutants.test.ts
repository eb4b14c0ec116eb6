import { describe, expect, it } from 'vitest';
import { fromBase64, looksLikeJson, parseForm, parseJson, utf8Text } from '../../lib/events/decode.js';
import { MAX_JSON_NESTING } from '../../lib/events/types.js';
import { b64, CO, only } from '../helpers/parse.js';

/** `depth` nested objects, with a key and a separator at every level: {"a":{"a":…1…}}. */
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** `depth` nested arrays with a value before each inner one: [1,[1,[…]]]. */
const nestedArrays = (depth: number) => `${'[1,'.repeat(depth - 1)}[1]${']'.repeat(depth - 1)}`;

describe('utf8Text: what the bytes say', () => {
  it('drops a leading byte-order mark, so an event saved by a Windows editor still parses', () => {
    const r = only(`\uFEFF{"ChangeOrderId":"${CO}"}`);
    expect(r).toMatchObject({ disposition: 'act', changeOrderId: CO });
  });

  it('keeps a byte-order mark inside the text: an ID with a hidden character is not silently repaired', () => {
    const t = utf8Text(Buffer.from(`a\uFEFFb`), 'The event');
    expect(t).toEqual({ ok: true, value: 'a\uFEFFb' });
    const r = only({ ChangeOrderId: `${CO.slice(0, 4)}\uFEFF${CO.slice(4)}` });
    expect(r.disposition).toBe('reject');
    expect(r.reason).toContain('at position 5');
  });
});

describe('looksLikeJson', () => {
  it.each(['{"a":1}', '[1]', '  \n\t{"a":1}'])('%j looks like JSON', (t) => {
    expect(looksLikeJson(t)).toBe(true);
  });

  it.each(['x{"a":1}', 'id [1]', 'ab{', 'ChangeOrderId=x&dims={a}'])(
    '%j does not: a JSON brace later in the text is not JSON',
    (t) => {
      expect(looksLikeJson(t)).toBe(false);
    },
  );
});

describe('parseJson: the nesting limit', () => {
  it(`accepts objects and arrays exactly ${MAX_JSON_NESTING} levels deep`, () => {
    expect(parseJson(nestedObjects(MAX_JSON_NESTING), 'The event').ok).toBe(true);
    expect(parseJson(nestedArrays(MAX_JSON_NESTING), 'The event').ok).toBe(true);
  });

  it.each([
    ['objects with keys and separators', nestedObjects(MAX_JSON_NESTING + 1)],
    ['arrays with values before the inner one', nestedArrays(MAX_JSON_NESTING + 1)],
    [
      'arrays after a one-letter string key',
      `{"a":${'['.repeat(MAX_JSON_NESTING)}${']'.repeat(MAX_JSON_NESTING)}}`,
    ],
    ['objects after a string with an escaped quote', `{"a\\"b":${nestedObjects(MAX_JSON_NESTING)}}`],
  ])('refuses %s one level deeper, saying what and how deep', (_what, text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(parseJson(text, 'The HTTP body')).toEqual({
      ok: false,
      reason: `The HTTP body is JSON nested more than ${MAX_JSON_NESTING} levels deep; no supported event is.`,
    });
  });

  it('counts no brackets inside strings (escaped quotes included)', () => {
    const braces = '{'.repeat(MAX_JSON_NESTING + 8);
    expect(parseJson(`{"a":"${braces}"}`, 'x')).toEqual({ ok: true, value: { a: braces } });
    expect(parseJson(`{"a":"\\"${braces}"}`, 'x')).toEqual({ ok: true, value: { a: `"${braces}` } });
  });

  it('counts closing brackets: many shallow siblings are not deep', () => {
    const siblings = `[${Array.from({ length: MAX_JSON_NESTING + 8 }, (_, i) => `[${i}]`).join(',')}]`;
    const objects = `[${Array.from({ length: MAX_JSON_NESTING + 8 }, (_, i) => `{"i":${i}}`).join(',')}]`;
    expect(parseJson(siblings, 'x').ok).toBe(true);
    expect(parseJson(objects, 'x').ok).toBe(true);
  });

  it('says what was not valid JSON, and why', () => {
    const r = parseJson('{"a":', 'The body at .Message');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^The body at \.Message is not valid JSON \(.+\)\.$/);
  });
});

describe('fromBase64: strict, so that a word or an ID is not mistaken for Base64', () => {
  it('decodes standard Base64, padded or not', () => {
    expect(fromBase64(b64('hello'))).toBe('hello');
    expect(fromBase64('aGVsbG8gd29ybA')).toBe('hello worl');
    expect(fromBase64('aGVsbG8gd29ybA==')).toBe('hello worl');
  });

  it('decodes Base64 wrapped at 76 columns with LF or CRLF line ends (base64(1), MIME)', () => {
    const text = `{"ChangeOrderId":"${CO}","alarmName":"checkout 5xx ratio above five percent"}`;
    const wrapped = b64(text).replace(/.{76}/g, '$&\n');
    expect(wrapped).toContain('\n');
    expect(fromBase64(wrapped)).toBe(text);
    expect(fromBase64(wrapped.replace(/\n/g, '\r\n'))).toBe(text);
  });

  it.each([
    ['shorter than 8 characters', 'aGk='],
    ['a length that no Base64 has (4n+1)', 'aGVsbG8gd'],
    ['padding in a length not a multiple of 4', 'aGVsbG8gd29yb='],
    ['the URL-safe alphabet', 'aGVsbG8_d29ybGQh'],
    ['characters outside the alphabet', 'aGVs bG8gd29'],
  ])('refuses %s', (_what, text) => {
    expect(fromBase64(text)).toBeUndefined();
  });

  it('takes exactly 8 characters', () => {
    expect(fromBase64('aGVsbG8h')).toBe('hello!');
  });

  it('refuses what decodes to binary or control characters, keeps tabs and newlines', () => {
    expect(fromBase64(b64('\u0001\u0002hello world'))).toBeUndefined();
    expect(fromBase64(b64('hello\u007fworld'))).toBeUndefined();
    expect(fromBase64(Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa]).toString('base64'))).toBeUndefined();
    expect(fromBase64(b64('a\tb\nc\r\nd'))).toBe('a\tb\nc\r\nd');
  });
});

describe('parseForm', () => {
  it('reads a form, trimming keys and values, last value winning', () => {
    expect(parseForm('alertName=cpu&appId= 1 & curValue=9&alertName=mem')).toEqual({
      alertName: 'mem',
      appId: '1',
      curValue: '9',
    });
  });

  it('keeps JSON-looking values inside a form (CloudMonitor dimensions)', () => {
    expect(parseForm('alertName=cpu&dimensions=[{appId:x}]')).toEqual({
      alertName: 'cpu',
      dimensions: '[{appId:x}]',
    });
  });

  it('reads a form sent with a trailing "&" and newline', () => {
    expect(parseForm(`ChangeOrderId=${CO}&\n`)).toEqual({ ChangeOrderId: CO });
  });

  it.each([
    ['text without "="', 'justaword'],
    ['a JSON object', '{"a":"b=c"}'],
    ['a JSON array', ' ["a=b"]'],
    ['a key that starts with a digit', '9lives=1'],
    ['a key with a space', 'error code=1'],
    ['a key with a colon', 'error: x=1'],
    ['a key longer than 64 characters', `${'k'.repeat(65)}=1`],
  ])('is not a form: %s', (_what, text) => {
    expect(parseForm(text)).toBeUndefined();
  });
});
