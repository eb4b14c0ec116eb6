/**
 * The signature nonces a gateway has seen (SAE and CloudMonitor's POP gateway, EventBridge), each
 * remembered for `ttlMs`: one seen again while remembered is a replay.
 *
 * Every entry lives as long as the others, so entries sit in the order they expire: a nonce used again
 * after it was forgotten goes to the back. Forgetting walks from the front and stops at the first live
 * entry, so each request costs O(1) amortized. Scanning the whole map on every request (EventBridge), or
 * on every request once 5,000 were remembered (SAE, where none expire within a run), made a 10,000-record
 * soak quadratic: 40,000 calls, each walking up to 40,000 entries. (No library keeps such a ledger; it is
 * a Map and a loop.)
 */
export class NonceLedger {
  readonly #until = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Records `key` as used at `now`; false, changing nothing, when it is still remembered (a replay). */
  use(key: string, now: number): boolean {
    this.#forget(now);
    const until = this.#until.get(key);
    if (until !== undefined && until > now) return false;
    this.#until.delete(key);
    this.#until.set(key, now + this.ttlMs);
    return true;
  }

  /** How many nonces are remembered (expired ones go on the next `use`). */
  get size(): number {
    return this.#until.size;
  }

  clear(): void {
    this.#until.clear();
  }

  #forget(now: number): void {
    for (const [key, until] of this.#until) {
      // A clock set back can leave a later expiry in front: forgetting stops early, never wrongly.
      if (until > now) return;
      this.#until.delete(key);
    }
  }
}
