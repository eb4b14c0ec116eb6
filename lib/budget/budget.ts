/**
 * The SAE call budget port. SAE allows 60 API calls per user per minute (`Throttling.User`); every
 * instance of every function sharing the account draws from one budget, so the abort calls that
 * matter are never starved by look-ups.
 */

/** What a call is for: aborts take precedence over look-ups. */
export const CallKind = { Abort: 'abort', Lookup: 'lookup' } as const;
export type CallKind = (typeof CallKind)[keyof typeof CallKind];

export type TakeResult = { ok: true } | { ok: false; retryInMs: number };

export interface Budget {
  /** Takes one call token now, or says how long until one may be free. Never waits itself. */
  take(kind: CallKind): Promise<TakeResult>;
  close?(): Promise<void>;
}

export interface BudgetLimits {
  /** Calls allowed in any window of `windowMs`. Default 50 (SAE allows 60: keep headroom for humans). */
  calls: number;
  /** Default 60 000 (one minute, SAE's window). Tests shrink it to run in seconds. */
  windowMs: number;
  /** Tokens only aborts may use: look-ups wait when fewer than `abortReserve + 1` are free. */
  abortReserve: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { calls: 50, windowMs: 60_000, abortReserve: 10 };

/**
 * How long a spent token stays spent: one window plus a guard, so calls still in flight (spent at
 * t, arriving at SAE a little later) never put more than `calls` into one of SAE's windows.
 */
export function holdMs(limits: BudgetLimits): number {
  return limits.windowMs + Math.min(2_000, Math.ceil(limits.windowMs / 10));
}

/** Free tokens a call of `kind` needs: an abort any one, a look-up one beyond the abort reserve. */
export function tokensNeeded(limits: BudgetLimits, kind: CallKind): number {
  return kind === CallKind.Abort ? 1 : 1 + Math.min(limits.abortReserve, limits.calls - 1);
}

/**
 * The bucket rule both adapters implement. `spent` holds the times of tokens spent within the last
 * {@link holdMs}, oldest first. Each spent token comes back exactly `holdMs` after it was spent, so
 * no window of that length ever holds more than `calls` calls (a plain refilling bucket allows twice
 * that at the edges of a window).
 */
export function decide(
  spent: readonly number[],
  now: number,
  limits: BudgetLimits,
  kind: CallKind,
): TakeResult {
  const hold = holdMs(limits);
  const free = limits.calls - spent.length;
  const need = tokensNeeded(limits, kind);
  if (free >= need) return { ok: true };
  // The (need - free)-th oldest token must come back first; it is always there (need <= calls, so
  // need - free - 1 < spent.length): `?? now` only satisfies the type.
  const oldest = spent[need - free - 1] ?? now;
  return { ok: false, retryInMs: Math.max(1, oldest + hold - now) };
}
