/** Injected failures, consumed in the order they were added. */
import type { Fault } from './types.js';

interface Armed {
  fault: Fault;
  remaining: number;
}

/** What to do with one call: an optional delay, then at most one failure. */
export interface FaultPlan {
  latencyMs: number;
  failure?: Exclude<Fault, { kind: 'latency' }>;
}

export class FaultQueue {
  #armed: Armed[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a positive integer');
    this.#armed.push({ fault: structuredClone(fault), remaining: times });
  }

  clear(): void {
    this.#armed = [];
  }

  /** Faults still armed, with how many hits each has left. */
  list(): Array<Fault & { remaining: number }> {
    return this.#armed.map((a) => ({ ...structuredClone(a.fault), remaining: a.remaining }));
  }

  /**
   * Takes what applies to a call of `action`: the first matching latency fault and the first matching
   * other fault, so "slow, then throttled" can be composed from two faults.
   */
  take(action: string): FaultPlan {
    const latency = this.#takeFirst(action, (f) => f.kind === 'latency');
    const failure = this.#takeFirst(action, (f) => f.kind !== 'latency');
    const plan: FaultPlan = { latencyMs: latency?.kind === 'latency' ? latency.ms : 0 };
    if (failure && failure.kind !== 'latency') plan.failure = failure;
    return plan;
  }

  #takeFirst(action: string, pick: (f: Fault) => boolean): Fault | undefined {
    const index = this.#armed.findIndex(
      (a) => pick(a.fault) && (a.fault.action === undefined || a.fault.action === action),
    );
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.#armed.splice(index, 1);
    return armed.fault;
  }
}
