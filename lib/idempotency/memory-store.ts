import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import type { Outcome } from '../rollback/outcome.js';
import type { ClaimResult, CompletedRecord, Store } from './store.js';

type Entry =
  | { state: 'in-progress'; token: string; expiresAt: number }
  | { state: 'completed'; record: CompletedRecord; expiresAt: number };

/**
 * The embedded default: a Map in this process. Correct for one FC instance (JavaScript runs one
 * transition at a time, so each method is atomic); use the Redis store when instances run in parallel.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock ?? systemClock;
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  async claim(key: string, inProgressTtlMs: number): Promise<ClaimResult> {
    const e = this.#live(key);
    if (e?.state === 'completed') return { status: 'completed', record: e.record };
    if (e?.state === 'in-progress') return { status: 'in-progress', expiresAt: e.expiresAt };
    const token = randomUUID();
    this.#entries.set(key, { state: 'in-progress', token, expiresAt: this.#clock.now() + inProgressTtlMs });
    return { status: 'claimed', token };
  }

  async complete(key: string, token: string, outcome: Outcome, ttlMs: number): Promise<boolean> {
    const e = this.#live(key);
    if (e?.state !== 'in-progress' || e.token !== token) return false;
    const now = this.#clock.now();
    this.#entries.set(key, {
      state: 'completed',
      record: { outcome, notified: false, completedAt: now },
      expiresAt: now + ttlMs,
    });
    return true;
  }

  async release(key: string, token: string): Promise<boolean> {
    const e = this.#live(key);
    if (e?.state !== 'in-progress' || e.token !== token) return false;
    this.#entries.delete(key);
    return true;
  }

  async markNotified(key: string): Promise<void> {
    const e = this.#live(key);
    if (e?.state === 'completed') e.record = { ...e.record, notified: true };
  }

  async get(key: string): Promise<CompletedRecord | undefined> {
    const e = this.#live(key);
    return e?.state === 'completed' ? e.record : undefined;
  }

  /** For tests and the demo: number of live keys. */
  get size(): number {
    for (const key of [...this.#entries.keys()]) this.#live(key);
    return this.#entries.size;
  }
}
