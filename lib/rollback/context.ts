import type { Budget } from '../budget/budget.js';
import type { Clock } from '../clock.js';
import { withAppCallPolicy } from '../sae/app-retry.js';
import type { SaeAppApi } from '../sae/app-types.js';
import { SaeError } from '../sae/errors.js';
import { type CallPolicyOptions, withCallPolicy } from '../sae/retry.js';
import type { ChangeOrder, SaeApi, SaeResult } from '../sae/types.js';
import type { Draft } from './drafts.js';
import type { Outcome, SaeTrace } from './outcome.js';
import type { RollbackRequest } from './types.js';

/** What the policy and the bake window need inside one decision. */
export interface Ctx {
  req: RollbackRequest;
  sae: SaeApi;
  app: SaeAppApi | undefined;
  call: Call;
  finish: (d: Draft) => Outcome;
  trace: SaeTrace[];
  workUntil: number;
  /**
   * The resolved change order as this delivery's own ListChangeOrders just listed it (executing, of the
   * request's app, with type and creation time): the act step decides from it without DescribeChangeOrder.
   */
  known?: ChangeOrder;
  /** The change order RollbackApplication started, to be remembered too (never aborted by us later). */
  started?: string;
  /**
   * A decision that did nothing because of a condition that may pass (the evidence, a release not yet
   * started): kept under the condition's own key, never the change order's, so a later decision that
   * would act is not blocked — while repeats of the same condition are duplicates.
   */
  note?: { key: string; ttlMs: number };
}

export type Call = <T>(action: string, fn: () => Promise<SaeResult<T>>) => Promise<T>;

/** What the core decided, and which outcome (if any) still has to be published. */
export interface Decision {
  outcome: Outcome;
  /** The outcome to publish now: the fresh one, or a stored one whose publication failed earlier. */
  publish?: Outcome;
  /** Something may still succeed on redelivery: the platform must deliver this request again. */
  retry?: boolean;
  /** Store key to mark as notified once `publish` went out. */
  storeKey?: string;
  /** For a stored outcome: channels that already took it (the outbox); only the others get it again. */
  delivered?: string[];
  /** The change order RollbackApplication started, for the follow-up to watch (lib/follow/track.ts). */
  started?: string;
}

/** A decision whose outcome is published as it is. */
export function fresh(outcome: Outcome): Decision {
  return { outcome, publish: outcome };
}

export interface MeterOptions {
  sae: SaeApi;
  app: SaeAppApi | undefined;
  budget: Budget | undefined;
  callPolicy:
    | Pick<CallPolicyOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random'>
    | undefined;
  clock: Clock;
}

/**
 * One decision's SAE clients: every call takes a budget token and is retried (when the policy allows)
 * until `workUntil`, and `call` records each in the outcome's trace (request ID, or the error code).
 */
export function meteredClients(o: MeterOptions, workUntil: number, trace: SaeTrace[]) {
  const call: Call = async (action, fn) => {
    try {
      const res = await fn();
      trace.push({ action, requestId: res.requestId, ...(res.traceId ? { traceId: res.traceId } : {}) });
      return res.data;
    } catch (err) {
      const e = err instanceof SaeError ? err : undefined;
      trace.push({
        action,
        ...(e?.requestId ? { requestId: e.requestId } : {}),
        errorCode: e?.code ?? 'Unknown',
        ...(e?.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
      });
      throw err;
    }
  };
  const metered = o.budget !== undefined || o.callPolicy !== undefined;
  const policy = {
    ...o.callPolicy,
    ...(o.budget ? { budget: o.budget } : {}),
    deadline: workUntil,
    clock: o.clock,
  };
  const sae = metered ? withCallPolicy(o.sae, policy) : o.sae;
  const app = o.app && metered ? withAppCallPolicy(o.app, policy) : o.app;
  return { sae, app, call };
}
