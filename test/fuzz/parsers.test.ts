import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { type NormalizedRequest, normalizedRequestSchema, parseEvent } from '../../lib/events/index.js';
import { ID_PATTERN } from '../../lib/ids.js';
import { hostileIds, idCarriers, REAL_CO } from '../fixtures/hostile/corpus.js';

/**
 * Property-based tests of the event parsers: whatever the bytes, parseEvent returns records that match
 * the output schema, never throws, never hides a parser bug behind its catch-all, and never lets an ID
 * that does not match the ID pattern reach a request.
 */
const NOW = 1_795_921_200_000;
const RUNS = { numRuns: 400 };

function check(bytes: Buffer): NormalizedRequest[] {
  const parsed = parseEvent(bytes, NOW);
  expect(parsed.records.length).toBeGreaterThan(0);
  for (const r of parsed.records) {
    normalizedRequestSchema.parse(r);
    expect(r.reason).not.toMatch(/internal error/);
    expect(r.actionable).toBe(r.disposition === 'act');
    if (r.disposition === 'act') {
      expect(r.changeOrderId !== null || r.appId !== null).toBe(true);
      for (const id of [r.changeOrderId, r.appId]) if (id !== null) expect(id).toMatch(ID_PATTERN);
    }
  }
  return parsed.records;
}

/** The characters that make IDs dangerous, and look-alikes of the safe ones. */
const nasty = fc.constantFrom(
  '&',
  '=',
  '/',
  '..',
  '?',
  '#',
  '%',
  '+',
  ' ',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\\',
  '"',
  "'",
  '<',
  '_',
  '\u0430',
  '\u2010',
  '\u2013',
  '\uFF13',
  '\u200B',
  '\u202E',
  '\uFEFF',
  '🔥',
  '\u00A0',
  '%2F',
  '%26',
);
/** A valid ID with something nasty spliced in somewhere (never at the ends: trimming is allowed). */
const spliced = fc
  .tuple(fc.integer({ min: 1, max: REAL_CO.length - 1 }), nasty)
  .map(([at, bad]) => `${REAL_CO.slice(0, at)}${bad}${REAL_CO.slice(at)}`);
const anyId = fc.oneof(
  spliced,
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(...hostileIds(REAL_CO).map(([, id]) => id)),
  fc.stringMatching(/^[A-Za-z0-9-]{8,64}$/),
);
const carrierIndex = fc.integer({ min: 0, max: idCarriers(REAL_CO).length - 1 });
const wrap = fc.constantFrom('none', 'http', 'http-base64', 'mns-topic-base64');

function wrapped(bytes: Buffer, how: string): Buffer {
  if (how === 'http') return httpTriggerEvent(bytes.toString('utf8'));
  if (how === 'http-base64') return httpTriggerEvent(bytes, { base64: true });
  if (how === 'mns-topic-base64') {
    const message = bytes.toString('base64');
    return Buffer.from(JSON.stringify({ TopicName: 't', MessageId: 'M1', Message: message, PublishTime: 1 }));
  }
  return bytes;
}

describe('event parsers under fuzzing (fast-check)', () => {
  it('never throw on arbitrary bytes, and every record matches the schema', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_500 }), (a) => {
        check(Buffer.from(a));
      }),
      RUNS,
    );
  });

  it('never throw on arbitrary text or JSON values, direct or through the HTTP trigger', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 400 }),
          fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null'),
        ),
        wrap,
        (text, how) => {
          check(wrapped(Buffer.from(text, 'utf8'), how));
        },
      ),
      RUNS,
    );
  });

  it('only IDs matching the pattern reach a request, in every carrier and envelope', () => {
    fc.assert(
      fc.property(anyId, carrierIndex, wrap, (id, i, how) => {
        const [, bytes] = idCarriers(id)[i] ?? ['', Buffer.alloc(0)];
        const event = wrapped(bytes, how);
        const acted = check(event).filter((r) => r.disposition === 'act');
        if (!ID_PATTERN.test(id.trim())) {
          // An invalid ID is refused, never "cleaned" into a valid one. The one exception: Base64 text
          // that itself matches the pattern, decoding to nothing we read, is read as that (harmless) ID.
          const base64Text = how === 'mns-topic-base64' ? bytes.toString('base64') : undefined;
          for (const r of acted) expect(r.changeOrderId ?? r.appId).toBe(base64Text);
        }
      }),
      RUNS,
    );
  });

  it('reads a valid ID from every carrier and envelope (the generators do reach the parsers)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{4}-[A-Za-z0-9-]{4,40}$/),
        carrierIndex,
        wrap,
        (id, i, how) => {
          const [carrier, bytes] = idCarriers(id)[i] ?? ['', Buffer.alloc(0)];
          const acted = check(wrapped(bytes, how)).filter((r) => r.disposition === 'act');
          expect(
            acted.map((r) => r.changeOrderId ?? r.appId),
            carrier,
          ).toEqual([id]);
        },
      ),
      RUNS,
    );
  });
});
