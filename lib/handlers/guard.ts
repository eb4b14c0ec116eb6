import { type FcContext, invocationOf } from '../fc/context.js';
import type { GuardReport } from '../guard/index.js';
import type { Runtime } from '../runtime.js';

/**
 * The guard function: every timer tick (whatever its payload) runs one guard pass over the watched
 * apps. It never throws for what it found or could not reach: the next tick looks again, so FC's async
 * retries would only duplicate runs. The report is returned (and logged as `guard-run`).
 */
export function createGuardHandler(rt: Runtime) {
  return async (_event: unknown, context: FcContext): Promise<GuardReport> => {
    const startedAt = rt.clock.now();
    const inv = invocationOf(context, startedAt);
    return rt.guard.run(inv);
  };
}
