/**
 * The app's own auto scaling: SAE starts a `CoScaleOut` change order by itself when a scaling rule
 * fires — typically under the same load that makes the alarms fire. A test (or `sae-rollback dev`)
 * asks for one now, or after N more API calls, so it lands in the middle of an alarm storm.
 */
import type { SaeState } from './state.js';
import type { AutoScaleOutOptions } from './types.js';

interface Pending {
  appId: string;
  callsLeft: number;
  instances: number;
}

export class AutoScaler {
  readonly #state: SaeState;
  #pending: Pending[] = [];

  constructor(state: SaeState) {
    this.#state = state;
  }

  /** Starts the scale-out now (its change order ID), or schedules it (undefined) with `afterCalls`. */
  scaleOut(appId: string, opts: AutoScaleOutOptions = {}): string | undefined {
    const instances = opts.instances ?? 1;
    const afterCalls = opts.afterCalls ?? 0;
    if (afterCalls <= 0) return this.#start(appId, instances);
    this.#pending.push({ appId, callsLeft: afterCalls, instances });
    return undefined;
  }

  /**
   * One API request arrived: due scale-outs start before it is answered. One that finds another
   * change order running waits for the next request (SAE's serial rule holds for scaling too).
   */
  onCall(): void {
    if (this.#pending.length === 0) return;
    const still: Pending[] = [];
    for (const p of this.#pending) {
      p.callsLeft -= 1;
      if (p.callsLeft > 0 || !this.#tryStart(p)) still.push(p);
    }
    this.#pending = still;
  }

  /** Scale-outs scheduled and not started yet. */
  pending(): number {
    return this.#pending.length;
  }

  clear(): void {
    this.#pending = [];
  }

  #tryStart(p: Pending): boolean {
    try {
      this.#start(p.appId, p.instances);
      return true;
    } catch {
      return false;
    }
  }

  #start(appId: string, instances: number): string {
    return this.#state.startChangeOrder({
      appId,
      coTypeCode: 'CoScaleOut',
      source: 'system',
      description: `Auto scaling: scale out by ${instances} instance${instances === 1 ? '' : 's'}`,
      addInstances: instances,
    });
  }
}
