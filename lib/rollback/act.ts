import type { Clock } from '../clock.js';
import type { Store } from '../idempotency/store.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { Valves } from '../policy/valves.js';
import { SaeError, SaeErrorKind } from '../sae/errors.js';
import {
  type ChangeOrder,
  ChangeOrderStatus,
  describeStatus,
  type SaeApi,
  TERMINAL_STATUSES,
} from '../sae/types.js';
import { namespaceFinder } from './admit.js';
import type { BakeWindow } from './bake-window.js';
import type { Call, Ctx } from './context.js';
import {
  abortAmbiguous,
  abortAttemptKey,
  type Draft,
  failure,
  label,
  notReleaseKey,
  refusedDraft,
  releaseRefusalDraft,
  typeKey,
} from './drafts.js';
import type { Outcome } from './outcome.js';
import { changeOrderRefusal, evidenceKey, preReleaseRefusal, type ReleaseRules } from './release-rules.js';

export interface ActOptions {
  store: Store;
  clock: Clock;
  retentionMs: number;
  failureRetentionMs: number;
  valves: Valves | undefined;
  policy: Policy | undefined;
  rules: ReleaseRules;
  directory: AppDirectory;
  bake: BakeWindow;
}

/**
 * The act step of the decision, on a claimed change order: inspect it (DescribeChangeOrder), prove it
 * is the right act — the request's app, a release of an allowed type that has started, evidence about
 * it, the policy — then the valves, dry-run, and the abort; a finished one goes to {@link finished}.
 */
export class Act {
  readonly #o: ActOptions;

  constructor(o: ActOptions) {
    this.#o = o;
  }

  async run(
    changeOrderId: string,
    appId: string | undefined,
    sae: SaeApi,
    call: Call,
    finish: (d: Draft) => Outcome,
    changes: number,
    x: Ctx,
  ): Promise<Outcome> {
    let appName: string | undefined;
    let resolvedApp = appId;
    let undo: (() => Promise<void>) | undefined;
    let abortSent = false;
    let earlier = false;
    try {
      const co = x.known ?? (await call('DescribeChangeOrder', () => sae.describeChangeOrder(changeOrderId)));
      appName = co.appName;
      resolvedApp = co.appId;
      const base = {
        changeOrderId,
        appId: co.appId,
        ...(appName ? { appName } : {}),
        changeOrderStatus: co.status,
      };
      if (appId && co.appId !== appId) {
        // About this request, not the change order: a genuine alarm for its own app is never blocked.
        x.note = {
          key: `sae-rollback:mismatch:${appId}:${changeOrderId}`,
          ttlMs: this.#o.failureRetentionMs,
        };
        return finish({
          ...base,
          outcome: 'failed-permanent',
          summary: `Refused: change order ${changeOrderId} belongs to app ${co.appId}, but the alarm is about app ${appId}.`,
          reason: 'The alarm names an app and a change order that do not match; fix the alarm configuration.',
        });
      }
      if (!appId && this.#o.policy) {
        // A request naming only the change order: its app is known only now, before any mutating call.
        const verdict = await this.#o.policy.app(co.appId, namespaceFinder(this.#o.directory, co.appId, x));
        if (!verdict.ok) {
          x.note = {
            key: `sae-rollback:refused:${verdict.rule}:co:${changeOrderId}`,
            ttlMs: this.#o.retentionMs,
          };
          return finish({ ...base, ...refusedDraft(verdict, `change order ${changeOrderId}`) });
        }
      }
      if (TERMINAL_STATUSES.has(co.status)) return await this.finished(co, changes, x);
      if (co.coTypeCode) {
        await this.#o.store
          .putValue(typeKey(changeOrderId), co.coTypeCode, this.#o.retentionMs)
          .catch(() => undefined);
      }
      const rule =
        changeOrderRefusal(co, label(co.appId, appName), this.#o.rules, x.req.allowTypes) ??
        preReleaseRefusal(x.req.alarm, co, this.#o.rules);
      if (rule) {
        x.note = {
          key:
            rule.rule === 'change-type'
              ? notReleaseKey(changeOrderId)
              : rule.rule === 'not-started'
                ? `sae-rollback:not-started:${changeOrderId}:${co.status}`
                : evidenceKey(changeOrderId, x.req.alarm),
          ttlMs: this.#o.retentionMs,
        };
        return finish({ ...base, ...releaseRefusalDraft(rule) });
      }
      if (this.#o.valves) {
        const admission = await this.#o.valves.admit({ appId: co.appId, changeOrderId, changes });
        if (!admission.ok) {
          // Re-checked on every delivery (a valve that opens lets the next one through); only the
          // publication of the same suppression is not repeated while it lasts.
          x.note = {
            key: `sae-rollback:suppressed:${admission.valve}:${changeOrderId}`,
            ttlMs: this.#o.retentionMs,
          };
          return finish({
            ...base,
            outcome: 'suppressed',
            valve: admission.valve,
            summary: `Did not roll back change order ${changeOrderId} of ${label(co.appId, appName)} (${describeStatus(co.status)}): suppressed by the ${admission.valve} safety valve.`,
            reason: admission.reason,
          });
        }
        undo = admission.undo;
      }
      if (this.#o.policy?.dryRun) {
        await undo?.();
        return finish({
          ...base,
          outcome: 'dry-run',
          summary: `Dry run: would have aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${describeStatus(co.status)}) and rolled the app back. Nothing was changed.`,
        });
      }
      // An earlier delivery's abort of it may have landed with its answer lost: if SAE now says the
      // change order is not running, that abort was ours (and its valve slots stay taken).
      earlier = await this.#abortMayHaveLanded(changeOrderId);
      abortSent = true;
      // Written ahead: if this delivery dies during the abort, whoever finishes the change order later
      // (a redelivery, the guard's orphan sweep) knows the abort may have landed, confirms it with
      // DescribeChangeOrder and publishes `aborted` — never a silent `already-finished`.
      await this.#o.store.putValue(
        abortAttemptKey(changeOrderId),
        String(this.#o.clock.now()),
        this.#o.retentionMs,
      );
      await call('AbortAndRollbackChangeOrder', () => sae.abortAndRollbackChangeOrder(changeOrderId));
      const was = `was ${describeStatus(co.status)}${co.subStatus === 1 ? ' with an exception' : ''}`;
      return finish({
        ...base,
        outcome: 'aborted',
        summary:
          co.supportRollback === false
            ? `Aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${was}); SAE says it cannot be rolled back (SupportRollback: false), so the abort only stopped it — the app was NOT rolled back. Check its instances and redeploy the previous version by hand.`
            : `Aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${was}) and rolled the app back.`,
      });
    } catch (err) {
      if (abortSent && (abortAmbiguous(err) || earlier)) {
        // SAE may have run the abort and lost the answer (5xx, reset, timeout): remember that, so the
        // redelivery that finds the change order terminated says `aborted`, and keep the valves' slots.
        await this.#o.store
          .putValue(abortAttemptKey(changeOrderId), String(this.#o.clock.now()), this.#o.retentionMs)
          .catch(() => undefined);
      } else {
        // No rollback happened: give the cool-down and the cap slot back, and take back the write-ahead.
        await undo?.().catch(() => undefined);
        if (abortSent)
          await this.#o.store.putValue(abortAttemptKey(changeOrderId), '', 1).catch(() => undefined);
      }
      const base = {
        changeOrderId,
        ...(resolvedApp ? { appId: resolvedApp } : {}),
        ...(appName ? { appName } : {}),
      };
      if (err instanceof SaeError && err.kind === SaeErrorKind.AlreadyDone) {
        if (abortSent && earlier) {
          return finish({
            ...base,
            outcome: 'aborted',
            summary: `Aborted change order ${changeOrderId}${appName ? ` of ${appName}` : ''} and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
          });
        }
        if (abortSent && this.#o.bake.windowMs > 0) {
          // It finished while we were aborting it: decide again from its final state (the bake window).
          const final = await call('DescribeChangeOrder', () => sae.describeChangeOrder(changeOrderId)).catch(
            () => undefined,
          );
          if (final && TERMINAL_STATUSES.has(final.status)) return this.finished(final, changes, x);
        }
        return finish({
          ...base,
          outcome: 'already-finished',
          summary: `Change order ${changeOrderId} finished before it could be aborted (${err.code}).`,
        });
      }
      return finish({ ...base, ...failure(err, `change order ${changeOrderId}`) });
    }
  }

  /** A change order that has finished: the bake window's decision, a lost abort confirmed, or nothing. */
  async finished(co: ChangeOrder, changes: number, x: Ctx): Promise<Outcome> {
    const { changeOrderId, appId, appName } = co;
    if (
      this.#o.bake.windowMs > 0 &&
      (co.status === ChangeOrderStatus.Succeeded || co.status === ChangeOrderStatus.Failed)
    ) {
      const verdict = await this.#o.bake.check(appId, changeOrderId, undefined, false, x);
      if (verdict.eligible) return this.#o.bake.act(appId, changeOrderId, verdict, changes, x, appName);
    }
    const base = {
      changeOrderId,
      appId,
      ...(appName ? { appName } : {}),
      changeOrderStatus: co.status,
    };
    if (co.status === ChangeOrderStatus.Terminated && (await this.#abortMayHaveLanded(changeOrderId))) {
      return x.finish({
        ...base,
        outcome: 'aborted',
        summary: `Aborted change order ${changeOrderId} of ${label(appId, appName)} and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
      });
    }
    return x.finish({
      ...base,
      outcome: 'already-finished',
      summary: `Change order ${changeOrderId} of ${label(appId, appName)} already ${describeStatus(co.status)}; nothing to abort.`,
    });
  }

  async #abortMayHaveLanded(changeOrderId: string): Promise<boolean> {
    // '' is a withdrawn write-ahead (the abort provably did not run).
    return !!(await this.#o.store.getValue(abortAttemptKey(changeOrderId)).catch(() => undefined));
  }
}
