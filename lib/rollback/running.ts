import { z } from 'zod';
import type { ResolutionCache, Shared } from '../idempotency/resolution-cache.js';
import { SaeError } from '../sae/errors.js';
import { parseSaeTime } from '../sae/time.js';
import { type ChangeOrder, type ChangeOrderPage, ChangeOrderStatus } from '../sae/types.js';
import type { Ctx } from './context.js';

/**
 * The one-call resolution of an app-named alarm: ListChangeOrders filtered to the executing change
 * order (`CoStatus=1`) carries what the decision needs before the abort — which change order runs, its
 * app, that it runs, its type and when it started — which DescribeApplicationStatus alone does not.
 */

/** The answer, shared between deliveries by the resolution cache: the running one, or why not known. */
export type RunningAnswer = { order: ChangeOrder } | { unclear: string };

const answerSchema = z.union([
  z.object({
    order: z.object({
      changeOrderId: z.string(),
      appId: z.string(),
      status: z.number(),
      subStatus: z.number(),
      coTypeCode: z.string(),
      createTime: z.string(),
    }),
  }),
  z.object({ unclear: z.string() }),
]);

export const RUNNING: Shared<RunningAnswer> = {
  name: 'running',
  parse: (v) => {
    const r = answerSchema.safeParse(v);
    return r.success ? (r.data as RunningAnswer) : undefined;
  },
};

/**
 * The change order the page proves is the app's one executing change order — exactly one listed and
 * counted, of this app, executing (so the filter was applied), with its type and a readable creation
 * time — or why the page does not prove it. Anything else is left to the two-call fallback.
 */
export function runningOrderOf(page: ChangeOrderPage, appId: string): RunningAnswer {
  const [only, ...more] = page.changeOrders;
  if (!only) return { unclear: 'no change order is executing' };
  if (more.length > 0 || page.totalSize !== 1) return { unclear: `${page.totalSize} change orders listed` };
  if (only.appId !== appId) return { unclear: `the listed change order is of app ${only.appId ?? '(none)'}` };
  if (only.status !== ChangeOrderStatus.Executing)
    return { unclear: `the listed one has status ${only.status}` };
  if (!only.coTypeCode) return { unclear: 'the listed one has no CoTypeCode' };
  if (parseSaeTime(only.createTime) === undefined || !only.createTime) {
    return { unclear: 'the listed one has no readable CreateTime' };
  }
  return {
    order: {
      changeOrderId: only.changeOrderId,
      appId,
      status: only.status,
      // ListChangeOrders does not say; it only words the summary ("with an exception").
      subStatus: 0,
      coTypeCode: only.coTypeCode,
      createTime: only.createTime,
    },
  };
}

/**
 * The app's executing change order from one ListChangeOrders (shared for the resolution cache's TTL),
 * with `fresh` when this delivery's own look-up said so. An SAE error is an unclear answer (the fallback
 * decides), except a budget that gave no token: the fallback would starve too, so that is thrown.
 */
export async function lookUpRunning(
  cache: ResolutionCache | undefined,
  appId: string,
  x: Ctx,
): Promise<{ answer: RunningAnswer; fresh: boolean }> {
  const lookup = async (): Promise<RunningAnswer> => {
    const page = await x.call('ListChangeOrders', () =>
      x.sae.listChangeOrders({
        appId,
        coStatus: ChangeOrderStatus.Executing,
        currentPage: 1,
        pageSize: 10,
      }),
    );
    return runningOrderOf(page, appId);
  };
  try {
    if (!cache) return { answer: await lookup(), fresh: true };
    const r = await cache.share(RUNNING, appId, lookup, x.workUntil);
    return { answer: r.value, fresh: !r.cached };
  } catch (err) {
    if (!(err instanceof SaeError) || err.code === 'Budget.Exhausted') throw err;
    return { answer: { unclear: `ListChangeOrders failed (${err.code})` }, fresh: true };
  }
}
