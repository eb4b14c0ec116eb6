import type { Clock } from '../clock.js';
import type { Store } from '../idempotency/store.js';
import { SaeError, SaeErrorKind } from '../sae/errors.js';
import { type ChangeOrder, ChangeOrderStatus, describeStatus, TERMINAL_STATUSES } from '../sae/types.js';
import type { BakeWindow } from './bake-window.js';
import type { Ctx } from './context.js';
import { abortAmbiguous, abortAttemptKey, failure, label } from './drafts.js';
import { coBase, type InspectOptions, inspect } from './inspect.js';
import type { Outcome } from './outcome.js';
import { type GateOptions, passValves } from './valves-step.js';

export interface ActOptions extends InspectOptions, GateOptions {
  store: Store;
  clock: Clock;
  bake: BakeWindow;
}

/**
 * The act step, on a claimed change order: DescribeChangeOrder → inspect (inspect.ts: the right change
 * order, a started release, evidence about it) → the valves and dry-run (valves-step.ts) → the abort,
 * with its write-ahead; a finished one goes to {@link finished} (the bake window, or nothing to do).
 */
export class Act {
  readonly #o: ActOptions;

  constructor(o: ActOptions) {
    this.#o = o;
  }

  async run(changeOrderId: string, appId: string | undefined, changes: number, x: Ctx): Promise<Outcome> {
    const { sae, call, finish } = x;
    let appName: string | undefined;
    let resolvedApp = appId;
    let undo: (() => Promise<void>) | undefined;
    let abortSent = false;
    let earlier = false;
    try {
      const co = x.known ?? (await call('DescribeChangeOrder', () => sae.describeChangeOrder(changeOrderId)));
      appName = co.appName;
      resolvedApp = co.appId;
      const seen = await inspect(this.#o, changeOrderId, co, appId, x);
      if (seen.kind === 'refused') return seen.outcome;
      if (seen.kind === 'finished') return await this.finished(co, changes, x);
      const { base } = seen;
      const gate = await passValves(this.#o, { appId: co.appId, changeOrderId, changes });
      const what = `change order ${changeOrderId} of ${label(co.appId, appName)} (${describeStatus(co.status)})`;
      if (gate.kind === 'suppressed') {
        // Re-checked on every delivery (a valve that opens lets the next one through); only the
        // publication of the same suppression is not repeated while it lasts.
        x.note = {
          key: `sae-rollback:suppressed:${gate.valve}:${changeOrderId}`,
          ttlMs: this.#o.retentionMs,
        };
        return finish({
          ...base,
          outcome: 'suppressed',
          valve: gate.valve,
          summary: `Did not roll back ${what}: suppressed by the ${gate.valve} safety valve.`,
          reason: gate.reason,
        });
      }
      if (gate.kind === 'dry-run') {
        return finish({
          ...base,
          outcome: 'dry-run',
          summary: `Dry run: would have aborted ${what} and rolled the app back. Nothing was changed.`,
        });
      }
      undo = gate.undo;
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
    const base = coBase(co);
    if (
      this.#o.bake.windowMs > 0 &&
      (co.status === ChangeOrderStatus.Succeeded || co.status === ChangeOrderStatus.Failed)
    ) {
      const verdict = await this.#o.bake.check(appId, changeOrderId, undefined, false, x);
      if (verdict.eligible) return this.#o.bake.act(appId, changeOrderId, verdict, changes, x, appName);
    }
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
