import { beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetLimits } from '../../lib/budget/budget.js';
import { holdMs } from '../../lib/budget/budget.js';

export interface BudgetSubject {
  budget: Budget;
  /** Lets `ms` pass for the budget (ManualClock, or a real wait for Redis). */
  advance(ms: number): Promise<void>;
}

/** Small and short, so the Redis run takes well under a second. */
export const LIMITS: BudgetLimits = { calls: 5, windowMs: 200, abortReserve: 2 };

/** One suite for every Budget adapter. `make` returns an empty budget with {@link LIMITS}. */
export function describeBudgetContract(name: string, make: () => Promise<BudgetSubject>) {
  describe(`Budget contract: ${name}`, () => {
    let budget: Budget;
    let advance: (ms: number) => Promise<void>;
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

    it('gives tokens back one hold time after they were spent', async () => {
      for (let i = 0; i < LIMITS.calls; i++) await budget.take('abort');
      expect((await budget.take('abort')).ok).toBe(false);
      await advance(holdMs(LIMITS) + 30);
      expect((await budget.take('lookup')).ok).toBe(true);
    });
  });
}
