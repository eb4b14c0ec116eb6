import type { Store } from '../idempotency/store.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy, Verdict } from '../policy/policy.js';
import { SaeError } from '../sae/errors.js';
import { type Ctx, type Decision, fresh } from './context.js';
import { failure, refusedDraft, releaseRefusalDraft } from './drafts.js';
import { noted } from './records.js';
import { evidenceKey, type ReleaseRules, staleAlarmRefusal } from './release-rules.js';
import type { RollbackRequest } from './types.js';

export interface AdmitOptions {
  policy: Policy | undefined;
  directory: AppDirectory;
  store: Store;
  claimMs: number;
  retentionMs: number;
}

/**
 * The policy on what the request says: minimum severity, and — when it names an app — opt-out and the
 * allowlist, before any SAE call about the app (a namespace allowlist may first list the allowed
 * namespaces' apps, cached). A refusal is published once and remembered like a permanent failure.
 */
export async function admitRequest(
  o: AdmitOptions,
  req: RollbackRequest,
  x: Ctx,
): Promise<Decision | undefined> {
  if (!o.policy) return undefined;
  let verdict: Verdict = o.policy.severity(req.alarm);
  const what = req.appId ? `app ${req.appId}` : `change order ${req.changeOrderId ?? '-'}`;
  if (verdict.ok && req.appId) {
    try {
      verdict = await o.policy.app(req.appId, namespaceFinder(o.directory, req.appId, x));
    } catch (err) {
      if (!(err instanceof SaeError)) throw err;
      return fresh(x.finish(failure(err, `looking up the namespace of app ${req.appId}`)));
    }
  }
  if (verdict.ok) return undefined;
  // Keyed by what was refused — the app and change order the request names — so a refusal of one
  // request never answers a different one (issue 13, point 3).
  const named = [req.appId && `app:${req.appId}`, req.changeOrderId && `co:${req.changeOrderId}`];
  const target = named.filter(Boolean).join(':');
  const outcome = x.finish({
    ...(req.changeOrderId ? { changeOrderId: req.changeOrderId } : {}),
    ...refusedDraft(verdict, what),
  });
  // Only consulted while the same rule still refuses: a changed configuration never finds it.
  return noted(
    o.store,
    o.claimMs,
    x,
    `sae-rollback:refused:${verdict.rule}:${target}`,
    outcome,
    o.retentionMs,
  );
}

/** Finds which allowed namespace holds an app (ListApplications through the budget, cached). */
export function namespaceFinder(directory: AppDirectory, appId: string, x: Ctx) {
  const app = x.app;
  if (!app) return undefined;
  return (allowed: readonly string[]) =>
    directory.findNamespace(appId, allowed, (q) => x.call('ListApplications', () => app.listApplications(q)));
}

export interface EvidenceOptions {
  store: Store;
  rules: ReleaseRules;
  claimMs: number;
  retentionMs: number;
}

/**
 * Stale evidence (a backlog, a repeat of an old alert) is refused before any SAE call, published once
 * per evidence. Judged at receipt: a request the orphan sweep finishes later was fresh when it arrived.
 */
export async function admitEvidence(
  o: EvidenceOptions,
  req: RollbackRequest,
  x: Ctx,
): Promise<Decision | undefined> {
  const stale = staleAlarmRefusal(req.alarm, req.receivedAt, o.rules);
  if (!stale) return undefined;
  const target = req.changeOrderId ?? `app:${req.appId ?? '-'}`;
  const outcome = x.finish({
    ...(req.changeOrderId ? { changeOrderId: req.changeOrderId } : {}),
    ...releaseRefusalDraft(stale),
  });
  return noted(o.store, o.claimMs, x, evidenceKey(target, req.alarm), outcome, o.retentionMs);
}
