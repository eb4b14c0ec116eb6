import type { z } from 'zod';
import type { SharedState } from './idempotency/store.js';

/**
 * Values kept as JSON in the shared store for `ttlMs` (namespace listings, change-order facts): a value
 * that is absent, expired, not JSON or not of `schema` reads as undefined, so the caller asks SAE again.
 */
export class CachedJson<T> {
  readonly #store: SharedState;
  readonly #schema: z.ZodType;
  readonly #ttlMs: number;

  constructor(store: SharedState, schema: z.ZodType, ttlMs: number) {
    this.#store = store;
    this.#schema = schema;
    this.#ttlMs = ttlMs;
  }

  async get(key: string): Promise<T | undefined> {
    const raw = await this.#store.getValue(key);
    if (raw === undefined) return undefined;
    try {
      const r = this.#schema.safeParse(JSON.parse(raw));
      return r.success ? (r.data as T) : undefined;
    } catch {
      return undefined;
    }
  }

  put(key: string, value: T): Promise<void> {
    return this.#store.putValue(key, JSON.stringify(value), this.#ttlMs);
  }
}
