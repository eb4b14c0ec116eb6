/** SAE's flow control: at most `calls` API calls per AccessKey in any `windowMs` (SAE: 60 per minute). */

/** A limit on accepted calls; benchmarks scale the minute down (e.g. 60 per 3 s). */
export interface RateLimit {
  calls: number;
  windowMs: number;
}

/**
 * A sliding window of accepted calls per AccessKey. A call over the limit is answered
 * `Throttling.User` by the gateway, before the API runs, and does not count against the window.
 */
export class RateLimiter {
  #limit: RateLimit | undefined;
  readonly #accepted = new Map<string, number[]>();

  get limit(): RateLimit | undefined {
    return this.#limit ? { ...this.#limit } : undefined;
  }

  set(limit: RateLimit | undefined): void {
    if (limit && (!Number.isInteger(limit.calls) || limit.calls < 1 || !(limit.windowMs > 0))) {
      throw new RangeError('rateLimit needs calls ≥ 1 (an integer) and windowMs > 0');
    }
    this.#limit = limit ? { ...limit } : undefined;
    this.#accepted.clear();
  }

  clear(): void {
    this.#accepted.clear();
  }

  /** True when a call by `accessKeyId` at `now` must be throttled; otherwise counts it. */
  throttle(accessKeyId: string, now: number): boolean {
    const limit = this.#limit;
    if (!limit) return false;
    const since = now - limit.windowMs;
    const times = (this.#accepted.get(accessKeyId) ?? []).filter((t) => t > since);
    const throttled = times.length >= limit.calls;
    if (!throttled) times.push(now);
    this.#accepted.set(accessKeyId, times);
    return throttled;
  }
}
