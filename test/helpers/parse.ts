import { expect } from 'vitest';
import { type NormalizedRequest, type ParseOptions, parseEvent } from '../../lib/events/index.js';

/** A fixed "now" for parse tests, and IDs in SAE's shape. */
export const NOW = Date.parse('2026-11-29T03:00:00Z');
export const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';
export const CO2 = 'ba386059-69b1-4e65-b1e5-0682d9fa0002';
export const APP = '0099b7be-5f5b-4512-a7fc-56049ef10001';
export const APP2 = '0099b7be-5f5b-4512-a7fc-56049ef10002';

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

/** parseEvent over a Buffer as sent, a string (its UTF-8 bytes) or an object (its JSON). */
export const parse = (v: string | Buffer | object, opts?: ParseOptions) =>
  parseEvent(Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), NOW, opts);

/** The one record an event must yield. */
export function only(v: string | Buffer | object, opts?: ParseOptions): NormalizedRequest {
  const e = parse(v, opts);
  expect(e.records).toHaveLength(1);
  const r = e.records[0];
  if (!r) throw new Error('no record');
  return r;
}
