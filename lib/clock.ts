/** Where "now" comes from. The emulators and tests move it; production uses the system clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance; shared by emulators and the code under test in one process. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-11-29T03:00:00Z')) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
  }
}
