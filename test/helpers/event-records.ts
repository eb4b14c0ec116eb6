import { expect } from 'vitest';
import { type NormalizedRequest, parseEvent } from '../../lib/events/index.js';

/** The receive time every parse in these tests uses. */
export const NOW = Date.parse('2026-11-29T03:00:00Z');
export const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';
export const CO2 = 'ba386059-69b1-4e65-b1e5-0682d9fa0002';
export const APP = '0099b7be-5f5b-4512-a7fc-56049ef10001';
export const APP2 = '0099b7be-5f5b-4512-a7fc-56049ef10002';

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The records of an event given as text (sent as is) or a value (sent as JSON). */
export function records(v: string | object): NormalizedRequest[] {
  return parseEvent(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), NOW).records;
}

/** The one record of an event; fails the test when there is not exactly one. */
export function only(v: string | object): NormalizedRequest {
  const rs = records(v);
  expect(rs).toHaveLength(1);
  const r = rs[0];
  if (!r) throw new Error('no record');
  return r;
}
