import { beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetLimits } from '../../lib/budget/budget.js';
import { holdMs } from '../../lib/budget/budget.js';

export interface BudgetSubject {
  budget: Budget;
  /** Lets `ms` pass for the budget (a ManualClock: Redis is handed the clock's time too). */
  advance(ms: number): void;
}

/**
 * A real window, on a manual clock: no test waits, and a Redis key's real-time expiry (one hold) can
 * never drop a token while a slow, loaded machine runs the test.
 */
export const LIMITS: BudgetLimits = { calls: 5, windowMs: 60_000, abortReserve: 2 };
const HOLD = holdMs(LIMITS);

/** One suite for every Budget adapter. `make` returns an empty budget with {@link LIMITS}. */
export function describeBudgetContract(name: string, make: () => Promise<BudgetSubject>) {
  describe(`Budget contract: ${name}`, () => {
    let budget: Budget;
    let advance: (ms: number) => void;
    beforeEach(async () => {
      ({ budget, advance } = await make());
    });

    it('lets look-ups spend all but the abort reserve, and aborts the rest', async () => {
      const lookups = [];
      for (let i = 0; i < 5; i++) lookups.push(await budget.take('lookup'));
      expect(lookups.map((r) => r.ok)).toEqual([true, true, true, false, false]);
      expect((await budget.take('abort')).ok).toBe(true);
      expect((await budget.take('abort')).ok).toBe(true);
      const refused = await budget.take('abort');
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.retryInMs).toBeGreaterThan(0);
        expect(refused.retryInMs).toBeLessThanOrEqual(holdMs(LIMITS));
      }
    });

    it('never hands out more than `calls` tokens to concurrent takers', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => budget.take('abort')));
      expect(results.filter((r) => r.ok)).toHaveLength(LIMITS.calls);
    });

    it('gives tokens back one hold time after they were spent, not a millisecond sooner', async () => {
      for (let i = 0; i < LIMITS.calls; i++) await budget.take('abort');
      expect((await budget.take('abort')).ok).toBe(false);
      advance(HOLD - 1);
      expect(await budget.take('abort')).toEqual({ ok: false, retryInMs: 1 });
      advance(1);
      expect((await budget.take('lookup')).ok).toBe(true);
    });

    it('frees old tokens for good: a steady trickle under the limit is never refused', async () => {
      // One abort every window/calls for three windows: only a budget that forgets old tokens keeps up.
      const step = Math.ceil(HOLD / LIMITS.calls);
      const answers = [];
      for (let i = 0; i < 3 * LIMITS.calls; i++) {
        answers.push((await budget.take('abort')).ok);
        advance(step);
      }
      expect(answers.every(Boolean)).toBe(true);
    });

    it('tells a refused look-up when the oldest token it waits for comes back', async () => {
      // 3 spent at 0, 10, 20: 2 free, a look-up needs 3 (1 + reserve 2): the oldest must come back.
      for (let i = 0; i < 3; i++) {
        expect((await budget.take('abort')).ok).toBe(true);
        if (i < 2) advance(10);
      }
      expect(await budget.take('lookup')).toEqual({ ok: false, retryInMs: HOLD - 20 });
      advance(HOLD - 20);
      expect((await budget.take('lookup')).ok).toBe(true);
      // Now 3 spent at 10, 20, HOLD: a second look-up waits for the token spent at 10.
      expect(await budget.take('lookup')).toEqual({ ok: false, retryInMs: 10 });
    });
  });
}
