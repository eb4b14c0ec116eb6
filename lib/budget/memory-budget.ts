import { type Clock, systemClock } from '../clock.js';
import {
  type Budget,
  type BudgetLimits,
  type CallKind,
  DEFAULT_BUDGET,
  decide,
  holdMs,
  type TakeResult,
} from './budget.js';

/** The budget of one FC instance (with the memory store). Exact within this process. */
export class MemoryBudget implements Budget {
  readonly #limits: BudgetLimits;
  readonly #clock: Clock;
  // Stryker disable next-line ArrayDeclaration: equivalent — take() filters out anything not a recent time first.
  #spent: number[] = [];

  constructor(opts: { limits?: Partial<BudgetLimits>; clock?: Clock } = {}) {
    this.#limits = { ...DEFAULT_BUDGET, ...opts.limits };
    this.#clock = opts.clock ?? systemClock;
  }

  async take(kind: CallKind): Promise<TakeResult> {
    const now = this.#clock.now();
    const since = now - holdMs(this.#limits);
    this.#spent = this.#spent.filter((at) => at > since);
    const r = decide(this.#spent, now, this.#limits, kind);
    if (r.ok) this.#spent.push(now);
    return r;
  }
}
