import type { Policy } from '../policy/policy.js';
import type { Valve, Valves } from '../policy/valves.js';

export interface GateOptions {
  valves: Valves | undefined;
  policy: Policy | undefined;
}

/**
 * What the safety valves and dry-run say of one rollback about to happen: suppressed by a valve, a dry
 * run (the valves' slots given back), or go — with `undo` to give the slots back if it then does not.
 */
export type Gate =
  | { kind: 'suppressed'; valve: Valve; reason: string }
  | { kind: 'dry-run' }
  | { kind: 'go'; undo: (() => Promise<void>) | undefined };

/**
 * The valves step, shared by the abort and the bake window's RollbackApplication: the cool-down, the
 * global cap and the flapping guard (`changes`: deliveries the guard has counted), then dry-run.
 */
export async function passValves(
  o: GateOptions,
  target: { appId: string; changeOrderId: string; changes: number },
): Promise<Gate> {
  let undo: (() => Promise<void>) | undefined;
  if (o.valves) {
    const admission = await o.valves.admit(target);
    if (!admission.ok) return { kind: 'suppressed', valve: admission.valve, reason: admission.reason };
    undo = admission.undo;
  }
  if (o.policy?.dryRun) {
    await undo?.();
    return { kind: 'dry-run' };
  }
  return { kind: 'go', undo };
}
