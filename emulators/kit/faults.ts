/**
 * Fault injection shared by the emulators (DingTalk, webhook, EventBridge): faults are consumed in the order
 * they were added, each `times` times (default once). A call takes at most one latency fault and one failure,
 * so "slow, then 503" composes from two faults. Latency delays the wire only, never the emulated clock.
 */
import { z } from 'zod';

/** Faults every receiver understands. */
export type BaseFault =
  | { kind: 'status'; status: number; times?: number }
  | { kind: 'reset'; times?: number }
  | { kind: 'latency'; ms: number; times?: number };

/** zod schemas for the admin surface (the `/__admin/faults` body). */
export const baseFaultSchemas = [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    times: z.number().int().positive().optional(),
  }),
  z.object({ kind: z.literal('reset'), times: z.number().int().positive().optional() }),
  z.object({
    kind: z.literal('latency'),
    ms: z.number().int().min(0).max(60_000),
    times: z.number().int().positive().optional(),
  }),
] as const;

/** What to do with one request: an optional delay, then at most one failure. */
export interface FaultPlan<F extends { kind: string }> {
  latencyMs: number;
  failure?: Exclude<F, { kind: 'latency' }>;
}

interface Armed<F> {
  fault: F;
  remaining: number;
}

/** The armed faults of one receiver. */
export class FaultQueue<F extends { kind: string; times?: number }> {
  #armed: Array<Armed<F>> = [];

  add(fault: F): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a positive integer');
    this.#armed.push({ fault: structuredClone(fault), remaining: times });
  }

  clear(): void {
    this.#armed = [];
  }

  take(): FaultPlan<F> {
    const latency = this.#takeFirst((f) => f.kind === 'latency');
    const failure = this.#takeFirst((f) => f.kind !== 'latency');
    const plan: FaultPlan<F> = {
      latencyMs: latency !== undefined && 'ms' in latency && typeof latency.ms === 'number' ? latency.ms : 0,
    };
    if (failure !== undefined) plan.failure = failure as Exclude<F, { kind: 'latency' }>;
    return plan;
  }

  #takeFirst(pick: (f: F) => boolean): F | undefined {
    const index = this.#armed.findIndex((a) => pick(a.fault));
    const armed = this.#armed[index];
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.#armed.splice(index, 1);
    return armed.fault;
  }
}

/** Sleeps that `close()` can cut short, so a receiver stuck in a latency fault never delays shutdown. */
export class Sleeps {
  readonly #pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  /** How many requests are being held right now. */
  get size(): number {
    return this.#pending.size;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const p of this.#pending) {
      clearTimeout(p.timer);
      p.resolve();
    }
    this.#pending.clear();
  }
}

/** zod yields `key: undefined` for absent optionals; exactOptionalPropertyTypes wants the key absent. */
export function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * A receiver's fault queue and held requests, and the generation a reset bumps: a request still held by a
 * latency fault when the emulator is reset belongs to the previous test, and is dropped, not answered.
 */
export class FaultDesk<F extends { kind: string; times?: number }> {
  readonly queue = new FaultQueue<F>();
  readonly sleeps = new Sleeps();
  #generation = 0;

  reset(): void {
    this.#generation += 1;
    this.sleeps.cancelAll();
    this.queue.clear();
  }

  /** The next plan, its latency waited out; `undefined` (socket destroyed) when a reset came meanwhile. */
  async plan(socket: { destroy(): void }): Promise<FaultPlan<F> | undefined> {
    const plan = this.queue.take();
    if (plan.latencyMs === 0) return plan;
    const before = this.#generation;
    await this.sleeps.sleep(plan.latencyMs);
    if (this.#generation === before) return plan;
    socket.destroy();
    return undefined;
  }
}

/** The test-facing controls of a receiver built on a {@link FaultDesk} and a call log (getters stay live). */
export function receiverControls<F extends { kind: string; times?: number }, R extends object>(
  desk: FaultDesk<F>,
  requests: { list(): R[] },
) {
  return {
    /** Requests currently held by a latency fault. */
    get sleeping(): number {
      return desk.sleeps.size;
    },
    get requests(): R[] {
      return requests.list();
    },
    injectFault: (fault: F): void => desk.queue.add(fault),
    clearFaults: (): void => desk.queue.clear(),
  };
}
