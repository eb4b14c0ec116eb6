import { describe, expect, it } from 'vitest';
import { NonceLedger } from '../../emulators/kit/nonces.js';

const TTL = 15 * 60_000;

describe("the emulators' nonce ledger (replay protection)", () => {
  it('refuses a nonce while it is remembered, per key, and takes it again once it has expired', () => {
    const l = new NonceLedger(TTL);
    expect(l.use('ak\nn-1', 1_000)).toBe(true);
    expect(l.use('ak\nn-1', 1_000 + TTL - 1)).toBe(false);
    expect(l.use('other\nn-1', 2_000)).toBe(true);
    expect(l.use('ak\nn-1', 1_000 + TTL)).toBe(true);
    expect(l.use('ak\nn-1', 1_000 + TTL + 1)).toBe(false);
  });

  it('a refused replay does not extend the nonce: it expires when first remembered', () => {
    const l = new NonceLedger(TTL);
    l.use('k', 0);
    expect(l.use('k', TTL - 1)).toBe(false);
    expect(l.use('k', TTL)).toBe(true);
  });

  it('forgets every expired nonce, however many, and only those', () => {
    const l = new NonceLedger(TTL);
    for (let i = 0; i < 6_000; i++) l.use(`old-${i}`, i);
    for (let i = 0; i < 10; i++) l.use(`new-${i}`, TTL);
    // At TTL + 5_999 every old nonce has expired; the ten from TTL live until 2 × TTL.
    expect(l.use('probe', TTL + 5_999)).toBe(true);
    expect(l.size).toBe(11);
    expect(l.use('new-3', TTL + 5_999)).toBe(false);
    expect(l.use('old-5999', TTL + 5_999)).toBe(true);
  });

  it('a nonce taken again after it expired goes to the back: the ones behind it are still forgotten', () => {
    const l = new NonceLedger(TTL);
    l.use('a', 0);
    l.use('b', 10);
    l.use('a', TTL); // expired: remembered anew until 2 × TTL
    expect(l.use('c', TTL + 10)).toBe(true); // b has expired
    expect(l.size).toBe(2);
    expect(l.use('b', TTL + 11)).toBe(true);
    expect(l.use('a', TTL + 11)).toBe(false);
  });

  it('clear forgets everything', () => {
    const l = new NonceLedger(TTL);
    l.use('k', 0);
    l.clear();
    expect(l.size).toBe(0);
    expect(l.use('k', 1)).toBe(true);
  });
});
