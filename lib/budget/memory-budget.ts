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
  #spent: number[] = [];
  /** Every token was spent at or after the one before it (the clock never went back). */
  // Stryker disable next-line BooleanLiteral: equivalent — starting with the full filter gives the same tokens, only slower.
  #inOrder = true;

  constructor(opts: { limits?: Partial<BudgetLimits>; clock?: Clock } = {}) {
    this.#limits = { ...DEFAULT_BUDGET, ...opts.limits };
    this.#clock = opts.clock ?? systemClock;
  }

  async take(kind: CallKind): Promise<TakeResult> {
    const now = this.#clock.now();
    const since = now - holdMs(this.#limits);
    this.#dropUntil(since);
    const r = decide(this.#spent, now, this.#limits, kind);
    if (r.ok) {
      const last = this.#spent[this.#spent.length - 1];
      if (last !== undefined && now < last) this.#inOrder = false;
      this.#spent.push(now);
    }
    return r;
  }

  /**
   * Forgets the tokens spent at or before `since`. Spent in clock order (the usual case), they are a
   * prefix: dropping it costs what expired, not a pass over every token of the window — with a lifted
   * budget a warm instance holds thousands. A clock that went back falls back to a full filter.
   */
  #dropUntil(since: number): void {
    if (!this.#inOrder) {
      this.#spent = this.#spent.filter((at) => at > since);
      return;
    }
    // Equivalent mutants left standing here and in take(): whatever only sends more takes to the full
    // filter above (or reads one index past the end) gives the same tokens, only slower.
    let expired = 0;
    while (expired < this.#spent.length && (this.#spent[expired] as number) <= since) expired++;
    if (expired > 0) this.#spent.splice(0, expired);
  }
}
