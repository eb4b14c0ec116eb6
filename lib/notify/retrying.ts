/**
 * In-invocation retries for one channel: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"): before retry n, sleep a uniformly random time in
 * `[0, min(maxDelayMs, baseDelayMs * 2^(n-1)))`. Only `NotifyError`s with `retryable: true` are retried; anything
 * else (a permanent refusal, a bug) surfaces at once. The last error is rethrown unchanged, so callers still
 * decide from its `retryable` whether a redelivery may help.
 *
 * Each channel gets its own decorator and callers publish channels in parallel, so one channel backing off
 * never delays another.
 */
import { type Clock, systemClock } from '../clock.js';
import type { Outcome } from '../rollback/outcome.js';
import { isNotifyError, type NotifyError } from './errors.js';
import type { Notifier, PublishOptions } from './notifier.js';

/** Options for {@link RetryingNotifier}. */
export interface RetryOptions {
  /** Total attempts including the first; default 3. 1 disables retries. */
  attempts?: number | undefined;
  /** Backoff cap for the first retry, in ms; default 200. */
  baseDelayMs?: number | undefined;
  /** Upper bound of any single backoff, in ms; default 2000. */
  maxDelayMs?: number | undefined;
  /**
   * Epoch ms after which no retry may start: a backoff that would end past it is not slept, and the last error
   * is thrown instead. A function is read on every publish (e.g. the FC invocation deadline minus a margin).
   */
  deadline?: number | (() => number | undefined) | undefined;
  /** "Now" for the deadline check. Default: the system clock. */
  clock?: Clock | undefined;
  /** Default: a real timer. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Uniform in [0, 1); default `Math.random`. */
  random?: (() => number) | undefined;
  /** Called before each backoff (for logging); `attempt` is the attempt that just failed, from 1. */
  onRetry?:
    | ((info: { channel: string; attempt: number; delayMs: number; error: NotifyError }) => void)
    | undefined;
}

/** Wraps a {@link Notifier} with retries of its retryable failures. Same `channel` as the wrapped one. */
export class RetryingNotifier implements Notifier {
  readonly channel: string;
  readonly #inner: Notifier;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #deadline: RetryOptions['deadline'];
  readonly #clock: Clock;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #onRetry: RetryOptions['onRetry'];

  constructor(inner: Notifier, opts: RetryOptions = {}) {
    this.channel = inner.channel;
    this.#inner = inner;
    this.#attempts = positiveInt('attempts', opts.attempts ?? 3);
    this.#baseDelayMs = nonNegative('baseDelayMs', opts.baseDelayMs ?? 200);
    this.#maxDelayMs = nonNegative('maxDelayMs', opts.maxDelayMs ?? 2000);
    this.#deadline = opts.deadline;
    this.#clock = opts.clock ?? systemClock;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = opts.random ?? Math.random;
    this.#onRetry = opts.onRetry;
  }

  async publish(outcome: Outcome, opts: PublishOptions = {}): Promise<{ messageId: string }> {
    const deadline =
      opts.deadline ?? (typeof this.#deadline === 'function' ? this.#deadline() : this.#deadline);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#inner.publish(outcome);
      } catch (e) {
        if (!isNotifyError(e) || !e.retryable || attempt >= this.#attempts) throw e;
        const delayMs = this.backoffMs(attempt);
        if (deadline !== undefined && this.#clock.now() + delayMs >= deadline) throw e;
        this.#onRetry?.({ channel: this.channel, attempt, delayMs, error: e });
        await this.#sleep(delayMs);
      }
    }
  }

  /** Full-jitter delay before the retry that follows failed attempt `attempt` (from 1). */
  backoffMs(attempt: number): number {
    const cap = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
}
