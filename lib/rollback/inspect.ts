import type { Store } from '../idempotency/store.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import { type ChangeOrder, TERMINAL_STATUSES } from '../sae/types.js';
import { namespaceFinder } from './admit.js';
import type { Ctx } from './context.js';
import { label, notReleaseKey, refusedDraft, releaseRefusalDraft, typeKey } from './drafts.js';
import type { Outcome } from './outcome.js';
import { changeOrderRefusal, evidenceKey, preReleaseRefusal, type ReleaseRules } from './release-rules.js';

export interface InspectOptions {
  store: Store;
  retentionMs: number;
  failureRetentionMs: number;
  policy: Policy | undefined;
  rules: ReleaseRules;
  directory: AppDirectory;
}

/** The common fields of every outcome about an inspected change order. */
export interface CoBase {
  changeOrderId: string;
  appId: string;
  appName?: string;
  changeOrderStatus: number;
}

/**
 * What the inspection found: a refusal already (an outcome, its condition noted in `x.note`), a change
 * order that has finished (the act step says what that means), or a running release to act on.
 */
export type Inspected =
  | { kind: 'refused'; outcome: Outcome }
  | { kind: 'finished'; co: ChangeOrder }
  | { kind: 'release'; co: ChangeOrder; base: CoBase };

/** A change order's outcome fields as DescribeChangeOrder told them. */
export function coBase(co: ChangeOrder): CoBase {
  return {
    changeOrderId: co.changeOrderId,
    appId: co.appId,
    ...(co.appName ? { appName: co.appName } : {}),
    changeOrderStatus: co.status,
  };
}

/**
 * The inspect step, on a claimed change order (described already): is it the right one to act on — the
 * request's app, allowed by the policy (when the request named only the change order), a release of an
 * allowed type that has started, with evidence about it? SAE errors are thrown to the act step.
 */
export async function inspect(
  o: InspectOptions,
  changeOrderId: string,
  co: ChangeOrder,
  appId: string | undefined,
  x: Ctx,
): Promise<Inspected> {
  const base = { ...coBase(co), changeOrderId };
  if (appId && co.appId !== appId) {
    // About this request, not the change order: a genuine alarm for its own app is never blocked.
    x.note = { key: `sae-rollback:mismatch:${appId}:${changeOrderId}`, ttlMs: o.failureRetentionMs };
    const outcome = x.finish({
      ...base,
      outcome: 'failed-permanent',
      summary: `Refused: change order ${changeOrderId} belongs to app ${co.appId}, but the alarm is about app ${appId}.`,
      reason: 'The alarm names an app and a change order that do not match; fix the alarm configuration.',
    });
    return { kind: 'refused', outcome };
  }
  if (!appId && o.policy) {
    // A request naming only the change order: its app is known only now, before any mutating call.
    const verdict = await o.policy.app(co.appId, namespaceFinder(o.directory, co.appId, x));
    if (!verdict.ok) {
      x.note = { key: `sae-rollback:refused:${verdict.rule}:co:${changeOrderId}`, ttlMs: o.retentionMs };
      const outcome = x.finish({ ...base, ...refusedDraft(verdict, `change order ${changeOrderId}`) });
      return { kind: 'refused', outcome };
    }
  }
  if (TERMINAL_STATUSES.has(co.status)) return { kind: 'finished', co };
  if (co.coTypeCode) {
    await o.store.putValue(typeKey(changeOrderId), co.coTypeCode, o.retentionMs).catch(() => undefined);
  }
  const rule =
    changeOrderRefusal(co, label(co.appId, co.appName), o.rules, x.req.allowTypes) ??
    preReleaseRefusal(x.req.alarm, co, o.rules);
  if (rule) {
    x.note = {
      key:
        rule.rule === 'change-type'
          ? notReleaseKey(changeOrderId)
          : rule.rule === 'not-started'
            ? `sae-rollback:not-started:${changeOrderId}:${co.status}`
            : evidenceKey(changeOrderId, x.req.alarm),
      ttlMs: o.retentionMs,
    };
    return { kind: 'refused', outcome: x.finish({ ...base, ...releaseRefusalDraft(rule) }) };
  }
  return { kind: 'release', co, base };
}
