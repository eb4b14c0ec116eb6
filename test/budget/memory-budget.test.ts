import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { ManualClock } from '../../lib/clock.js';

// 3 calls per 10 s window; a token stays spent for the window plus 1 s (holdMs): 11 s.
const limits = { calls: 3, windowMs: 10_000, abortReserve: 0 };

describe('MemoryBudget: tokens come back when their time is up', () => {
  it('in clock order: the oldest token frees first, and only once it is out of the hold', async () => {
    const clock = new ManualClock(1_000_000);
    const budget = new MemoryBudget({ limits, clock });
    for (let i = 0; i < 3; i++) {
      expect((await budget.take('lookup')).ok).toBe(true);
      clock.advance(1_000);
    }
    // Spent at 1 000 000, 1 001 000, 1 002 000; now 1 003 000: full, the first is back at 1 011 000.
    expect(await budget.take('abort')).toEqual({ ok: false, retryInMs: 8_000 });
    clock.set(1_011_000);
    expect((await budget.take('abort')).ok).toBe(true);
    expect((await budget.take('abort')).ok).toBe(false);
  });

  it('after the clock went back, an expired token behind a newer one is dropped all the same', async () => {
    const clock = new ManualClock(1_000_000);
    const budget = new MemoryBudget({ limits, clock });
    expect((await budget.take('lookup')).ok).toBe(true); // 1 000 000
    clock.set(1_001_000);
    expect((await budget.take('lookup')).ok).toBe(true); // 1 001 000
    clock.set(995_000); // an NTP step back
    expect((await budget.take('lookup')).ok).toBe(true); // 995 000, after the two newer ones
    expect((await budget.take('abort')).ok).toBe(false);

    // 995 000 is out of its hold at 1 006 000 exactly; the other two are not. Two spent: one call is free.
    clock.set(1_006_000);
    expect((await budget.take('abort')).ok).toBe(true);
    expect((await budget.take('abort')).ok).toBe(false);
    // And the two in order behind it keep freeing on their own times.
    clock.set(1_011_001);
    expect((await budget.take('abort')).ok).toBe(true);
  });

  it('a step back on the second take is noticed too', async () => {
    const clock = new ManualClock(1_000_000);
    const budget = new MemoryBudget({ limits: { ...limits, calls: 2 }, clock });
    expect((await budget.take('lookup')).ok).toBe(true); // 1 000 000
    clock.set(990_000);
    expect((await budget.take('lookup')).ok).toBe(true); // 990 000, behind the first
    clock.set(1_001_000); // 990 000 is out of its hold (1 001 000), 1 000 000 is not
    expect((await budget.take('abort')).ok).toBe(true);
    expect((await budget.take('abort')).ok).toBe(false);
  });
});
