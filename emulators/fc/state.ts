import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import type { FcEmulatorFunction, FcInvocation, FcRequestRecord } from './types.js';

/** Functions, accepted invocations, the task IDs FC has seen, and the async runs in flight. */
export class FcState {
  readonly functions = new Map<string, FcEmulatorFunction>();
  invocations: FcInvocation[] = [];
  requests: FcRequestRecord[] = [];
  /** `<service>/<function>/<taskId>`: FC keeps a task ID unique per function. */
  #taskIds = new Set<string>();
  #running = new Set<Promise<void>>();

  constructor(private readonly clock: Clock) {}

  static key(service: string | undefined, name: string): string {
    return `${service ?? ''}/${name}`;
  }

  addFunction(f: FcEmulatorFunction): void {
    this.functions.set(FcState.key(f.service, f.name), f);
  }

  find(service: string | undefined, name: string): FcEmulatorFunction | undefined {
    return this.functions.get(FcState.key(service, name));
  }

  /** Claims a task ID; false when the function already has a task with it. */
  claimTaskId(service: string | undefined, name: string, taskId: string): boolean {
    const k = `${FcState.key(service, name)}/${taskId}`;
    if (this.#taskIds.has(k)) return false;
    this.#taskIds.add(k);
    return true;
  }

  record(inv: Omit<FcInvocation, 'requestId' | 'receivedAt' | 'status'>): FcInvocation {
    const full: FcInvocation = {
      ...inv,
      requestId: randomUUID(),
      receivedAt: this.clock.now(),
      status: 'Enqueued',
    };
    this.invocations.push(full);
    return full;
  }

  /** Runs the handler for `inv` (now for Sync, after the reply for Async); records the result. */
  async run(fn: FcEmulatorFunction, inv: FcInvocation): Promise<void> {
    if (!fn.handler) {
      inv.status = 'Succeeded';
      return;
    }
    inv.status = 'Running';
    const context = fakeFcContext({ functionName: fn.name });
    context.requestId = inv.requestId;
    try {
      inv.result = await fn.handler(Buffer.from(inv.payload, 'utf8'), context);
      inv.status = 'Succeeded';
    } catch (err) {
      inv.error = err instanceof Error ? err.message : String(err);
      inv.status = 'Failed';
    }
  }

  runInBackground(fn: FcEmulatorFunction, inv: FcInvocation): void {
    const p = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(fn, inv));
    this.#running.add(p);
    void p.finally(() => this.#running.delete(p));
  }

  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  reset(): void {
    this.invocations = [];
    this.requests = [];
    this.#taskIds.clear();
  }
}
