import { randomUUID } from 'node:crypto';
import { setTimeout as sleepReal } from 'node:timers/promises';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import type { ApplicationStatus } from '../sae/types.js';
import type { SharedState } from './store.js';

const cachedStatusSchema = z.object({
  appId: z.string(),
  lastChangeOrderId: z.string().optional(),
  lastChangeOrderRunning: z.boolean(),
  lastChangeOrderStatus: z.string().optional(),
  subStatus: z.string().optional(),
  currentStatus: z.string().optional(),
});

export interface Resolution {
  status: ApplicationStatus;
  /** True when the answer came from the cache (or another delivery's look-up): no SAE call was made. */
  cached: boolean;
}

/** One kind of answer the cache shares: its name (part of the store key) and how to read it back. */
export interface Shared<T> {
  name: string;
  parse(value: unknown): T | undefined;
}

/** DescribeApplicationStatus, shared by the alarm path, the bake window and the guard. */
const STATUS: Shared<ApplicationStatus> = {
  name: 'status',
  parse: (v) => {
    const r = cachedStatusSchema.safeParse(v);
    return r.success ? (r.data as ApplicationStatus) : undefined;
  },
};

export interface ResolutionCacheOptions {
  store: SharedState;
  /** How long an app's status is shared. Short: a new release must not hide behind an old answer. */
  ttlMs: number;
  clock?: Clock;
  /** How often a delivery waiting for another's look-up checks for the answer. Default 50 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when another delivery's look-up did not finish before this invocation had to give up. */
export class ResolutionBusyError extends Error {
  override readonly name = 'ResolutionBusyError';
}

/**
 * The app → change-order resolution cache, shared through the store: many alarms for one app within
 * seconds cost one look-up of each kind ({@link Shared}: DescribeApplicationStatus, the executing change
 * order from ListChangeOrders). Concurrent misses coalesce too (single flight): in this
 * process on one promise, across processes on a short lease — one delivery looks up, the others wait
 * for its answer (and take over the look-up if it fails or its holder dies).
 */
export class ResolutionCache {
  readonly #store: SharedState;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #inflight = new Map<string, Promise<{ value: unknown; cached: boolean }>>();

  constructor(opts: ResolutionCacheOptions) {
    this.#store = opts.store;
    this.#ttlMs = opts.ttlMs;
    this.#clock = opts.clock ?? systemClock;
    this.#pollMs = opts.pollMs ?? 50;
    this.#sleep = opts.sleep ?? ((ms) => sleepReal(ms));
  }

  /** The app's status: cached, or looked up once by `lookup` for everyone asking now. */
  async resolve(
    appId: string,
    lookup: () => Promise<ApplicationStatus>,
    deadline: number,
  ): Promise<Resolution> {
    const { value, cached } = await this.share(STATUS, appId, lookup, deadline);
    return { status: value, cached };
  }

  /** Any answer about the app (`what` names it): cached, or looked up once for everyone asking now. */
  share<T>(
    what: Shared<T>,
    appId: string,
    lookup: () => Promise<T>,
    deadline: number,
  ): Promise<{ value: T; cached: boolean }> {
    const key = `${what.name}:${appId}`;
    const running = this.#inflight.get(key) as Promise<{ value: T; cached: boolean }> | undefined;
    if (running) return running.then((r) => ({ ...r, cached: true }));
    const p = this.#resolve(what, appId, lookup, deadline).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #resolve<T>(
    what: Shared<T>,
    appId: string,
    lookup: () => Promise<T>,
    deadline: number,
  ): Promise<{ value: T; cached: boolean }> {
    const valueKey = `sae-rollback:app:${appId}:${what.name}`;
    const lockKey = `sae-rollback:app:${appId}:resolving${what.name === 'status' ? '' : `:${what.name}`}`;
    const me = randomUUID();
    for (;;) {
      const hit = this.#parse(what, await this.#store.getValue(valueKey));
      if (hit !== undefined) return { value: hit, cached: true };
      const lockMs = Math.max(1_000, deadline - this.#clock.now());
      if (await this.#store.lease(lockKey, me, lockMs)) {
        try {
          // The previous holder may have stored the answer between our miss and our lease.
          const late = this.#parse(what, await this.#store.getValue(valueKey));
          if (late !== undefined) return { value: late, cached: true };
          const value = await lookup();
          await this.#store.putValue(valueKey, JSON.stringify(value), this.#ttlMs);
          return { value, cached: false };
        } finally {
          await this.#store.unlease(lockKey, me);
        }
      }
      if (this.#clock.now() + this.#pollMs > deadline) {
        throw new ResolutionBusyError(`Another delivery is still resolving app ${appId}; try again.`);
      }
      await this.#sleep(this.#pollMs);
    }
  }

  #parse<T>(what: Shared<T>, raw: string | undefined): T | undefined {
    if (raw === undefined) return undefined;
    try {
      return what.parse(JSON.parse(raw));
    } catch {
      return undefined;
    }
  }
}
