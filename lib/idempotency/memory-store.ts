import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import type { Outcome } from '../rollback/outcome.js';
import type { ClaimResult, CompletedRecord, Store } from './store.js';

/**
 * A completed record keeps its outcome as JSON, a copy, as Redis does: what a caller does to the outcome
 * it gave or got back never changes what the next delivery reads.
 */
interface Completed {
  state: 'completed';
  outcome: string;
  notified: boolean;
  delivered: readonly string[];
  completedAt: number;
  expiresAt: number;
}

type Entry = { state: 'in-progress'; token: string; expiresAt: number } | Completed;

function recordOf(e: Completed): CompletedRecord {
  return {
    outcome: JSON.parse(e.outcome) as Outcome,
    notified: e.notified,
    delivered: [...e.delivered],
    completedAt: e.completedAt,
  };
}

interface Expiring {
  value: string;
  expiresAt: number;
}

interface Toggle {
  last: string;
  changes: number[];
  expiresAt: number;
}

/**
 * The embedded default: Maps in this process. Correct for one FC instance (JavaScript runs one
 * transition at a time, so each method is atomic); use the Redis store when instances run in parallel.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #values = new Map<string, Expiring>();
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #toggles = new Map<string, Toggle>();
  readonly #indexes = new Map<string, Map<string, string>>();
  readonly #sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  readonly #clock: Clock;
  readonly #sweepEveryMs: number;
  #lastSweep = 0;

  /** `sweepEveryMs`: how often (at most) a write also drops every expired entry; default 1 s. */
  constructor(opts: { clock?: Clock; sweepEveryMs?: number } = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#sweepEveryMs = opts.sweepEveryMs ?? 1_000;
  }

  /**
   * Expired entries are otherwise dropped only when their own key is read again, which for a batch of
   * distinct change orders is never: a warm instance would keep every outcome, claim and resolution.
   * No timer (FC freezes idle instances, and a timer would keep a local process alive): writes sweep,
   * at most once per `sweepEveryMs`, so the cost is amortized over everything written meanwhile.
   */
  #sweep(): void {
    const now = this.#clock.now();
    if (now - this.#lastSweep < this.#sweepEveryMs) return;
    this.#lastSweep = now;
    for (const [k, e] of this.#entries) if (e.expiresAt <= now) this.#entries.delete(k);
    for (const [k, v] of this.#values) if (v.expiresAt <= now) this.#values.delete(k);
    for (const [k, t] of this.#toggles) if (t.expiresAt <= now) this.#toggles.delete(k);
    // A slot map's members expire by window; an emptied map is dropped when next taken from.
    for (const [k, slots] of this.#slots) if (slots.size === 0) this.#slots.delete(k);
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
    this.#sweep();
    const e = this.#live(key);
    if (e?.state === 'completed') return { status: 'completed', record: recordOf(e) };
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
      outcome: JSON.stringify(outcome),
      notified: false,
      delivered: [],
      completedAt: now,
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
    if (e?.state === 'completed') e.notified = true;
  }

  async markDelivered(key: string, channels: readonly string[]): Promise<void> {
    const e = this.#live(key);
    if (e?.state !== 'completed') return;
    e.delivered = [...new Set([...e.delivered, ...channels])];
  }

  async get(key: string): Promise<CompletedRecord | undefined> {
    const e = this.#live(key);
    return e?.state === 'completed' ? recordOf(e) : undefined;
  }

  #value(key: string): string | undefined {
    const v = this.#values.get(key);
    if (v && v.expiresAt <= this.#clock.now()) {
      this.#values.delete(key);
      return undefined;
    }
    return v?.value;
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.#value(key);
  }

  async putValue(key: string, value: string, ttlMs: number): Promise<void> {
    this.#sweep();
    this.#values.set(key, { value, expiresAt: this.#clock.now() + ttlMs });
  }

  async lease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.#value(key);
    if (current !== undefined) return current === holder;
    this.#values.set(key, { value: holder, expiresAt: this.#clock.now() + ttlMs });
    return true;
  }

  async unlease(key: string, holder: string): Promise<boolean> {
    if (this.#value(key) !== holder) return false;
    this.#values.delete(key);
    return true;
  }

  async takeSlot(key: string, member: string, cap: number, windowMs: number): Promise<boolean> {
    const now = this.#clock.now();
    const slots = this.#slots.get(key) ?? new Map<string, number>();
    // Members are kept in the order they took their slot, so the expired ones are a prefix: stop at the
    // first live one instead of walking (and allocating an entry for) every slot on every take — with the
    // cap lifted, 1,000 distinct rollbacks cost ~16 MiB of garbage that way. A clock set back only keeps a
    // slot taken "later" a little longer, which errs on the side of the cap.
    for (const [m, at] of slots) {
      if (at > now - windowMs) break;
      slots.delete(m);
    }
    this.#slots.set(key, slots);
    if (slots.has(member)) return true;
    if (slots.size >= cap) return false;
    slots.set(member, now);
    return true;
  }

  async releaseSlot(key: string, member: string): Promise<void> {
    this.#slots.get(key)?.delete(member);
  }

  async addMember(key: string, member: string, ttlMs: number): Promise<void> {
    const set = this.#set(key) ?? { members: new Set<string>(), expiresAt: 0 };
    set.members.add(member);
    set.expiresAt = this.#clock.now() + ttlMs;
    this.#sets.set(key, set);
  }

  async members(key: string): Promise<string[]> {
    return [...(this.#set(key)?.members ?? [])];
  }

  async removeMembers(key: string, members: readonly string[]): Promise<void> {
    const set = this.#set(key);
    for (const m of members) set?.members.delete(m);
  }

  #set(key: string): { members: Set<string>; expiresAt: number } | undefined {
    const set = this.#sets.get(key);
    if (set && set.expiresAt <= this.#clock.now()) {
      this.#sets.delete(key);
      return undefined;
    }
    return set;
  }

  async recordState(key: string, state: string, windowMs: number): Promise<number> {
    this.#sweep();
    const now = this.#clock.now();
    const t = this.#toggles.get(key);
    const live = t && t.expiresAt > now ? t : undefined;
    const changes = (live?.changes ?? []).filter((at) => at > now - windowMs);
    if (live && live.last !== state) changes.push(now);
    this.#toggles.set(key, { last: state, changes, expiresAt: now + windowMs });
    return changes.length;
  }

  async indexSet(key: string, member: string, value: string): Promise<void> {
    const index = this.#indexes.get(key) ?? new Map<string, string>();
    index.set(member, value);
    this.#indexes.set(key, index);
  }

  async indexDelete(key: string, member: string): Promise<void> {
    this.#indexes.get(key)?.delete(member);
  }

  async indexList(key: string, limit: number): Promise<Array<{ member: string; value: string }>> {
    return [...(this.#indexes.get(key) ?? [])].slice(0, limit).map(([member, value]) => ({ member, value }));
  }

  /** For tests: entries held in memory, expired or not (what a sweep bounds). */
  get held(): number {
    return this.#entries.size + this.#values.size + this.#toggles.size + this.#slots.size;
  }

  /** For tests and the demo: number of live idempotency keys. */
  get size(): number {
    for (const key of [...this.#entries.keys()]) this.#live(key);
    return this.#entries.size;
  }
}
