import type { Budget } from '../budget/budget.js';
import type { Clock } from '../clock.js';
import type { CompletedRecord, Store } from '../idempotency/store.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import { type AlarmSubject, alarmKey, normalizeState } from '../policy/valves.js';
import type { HookResult, Outcome, SaeTrace } from '../rollback/outcome.js';
import { publishAll, publishingLease } from '../rollback/process.js';
import type { InvocationInfo } from '../rollback/types.js';
import { withCallPolicy } from '../sae/retry.js';
import type { SaeApi } from '../sae/types.js';
import { followedIds, loadEntry, saveEntry, trackRollback, unfollow } from './track.js';
import type { FollowEntry, FollowReport, FollowSettings } from './types.js';
import { followUpOutcome, verdictOf } from './verdict.js';

/** Post-rollback hooks (lib/follow/hooks.ts): run once per confirmed rollback, results reported. */
export interface PostRollbackHooks {
  run(outcome: Outcome, deadline?: number): Promise<HookResult[]>;
}

export interface FollowUpsOptions {
  sae: SaeApi;
  store: Store;
  notifiers: readonly Notifier[];
  clock: Clock;
  logger: Logger;
  settings: FollowSettings;
  budget?: Budget;
  hooks?: PostRollbackHooks;
}

/** When the alarm behind `key` (its flapping-guard identity) last reported OK. */
function alarmOkKey(alarmKey: string): string {
  return `sae-rollback:follow:alarm-ok:${alarmKey}`;
}

/** The store key of a follow-up outcome (an idempotency record: claim, complete, outbox). */
export function followUpOutcomeKey(entryId: string): string {
  return `${entryId}:outcome`;
}

/**
 * The guard's follow-up step: for each rollback due a look, one DescribeChangeOrder (through the shared
 * budget, never waiting for it, at most `checksPerRun` per run, the wait doubling between looks); a final
 * verdict becomes one follow-up outcome, stored as an idempotency record and published through the same
 * outbox as every outcome — exactly once per change order, re-sent only on the channels missing it.
 */
export class FollowUps {
  readonly #o: FollowUpsOptions;

  constructor(o: FollowUpsOptions) {
    this.#o = o;
  }

  /** processRequest's hook: follow a fresh `aborted` / `rolled-back-application`. Never throws. */
  async track(outcome: Outcome, started?: string): Promise<void> {
    try {
      await trackRollback(this.#o, outcome, started);
    } catch (err) {
      this.#o.logger.warn('follow-up-not-tracked', {
        changeOrderId: outcome.changeOrderId,
        messageId: outcome.messageId,
        error: (err as Error).message ?? String(err),
      });
    }
  }

  /** One step. Never throws: problems are in the report's `errors`. */
  async run(inv: InvocationInfo = {}): Promise<FollowReport> {
    const report: FollowReport = { pending: 0, checked: 0, published: [], errors: [] };
    if (!this.#o.settings.enabled) return report;
    const { store, clock, budget } = this.#o;
    const now = clock.now();
    const sae = withCallPolicy(this.#o.sae, {
      ...(budget ? { budget } : {}),
      deadline: now,
      clock,
      maxAttempts: 1,
    });
    const done: string[] = [];
    try {
      const ids = await followedIds(store);
      const entries: FollowEntry[] = [];
      // Read in slices (one round trip each with Redis pipelining), not one after another.
      for (let i = 0; i < ids.length; i += 100) {
        const slice = ids.slice(i, i + 100);
        const loaded = await Promise.all(slice.map((id) => loadEntry(store, id)));
        loaded.forEach((e, k) => {
          if (e) entries.push(e);
          else done.push(slice[k] as string); // expired or unreadable: nothing left to follow
        });
      }
      entries.sort((a, b) => a.nextCheckAt - b.nextCheckAt);
      let stop = false;
      for (const entry of entries) {
        if (stop) break;
        try {
          const r = await this.#step(entry, sae, now, report, inv);
          if (r === 'done') done.push(entry.id);
          if (r === 'out-of-calls') stop = true;
        } catch (err) {
          const e = err as { code?: string; message?: string };
          report.errors.push(`follow-up of ${entry.changeOrderId}: ${e.message ?? String(err)}`);
          if (e.code === 'Budget.Exhausted' || e.code?.startsWith('Throttling')) stop = true;
          else await this.#later(entry, now);
        }
      }
      report.pending = ids.length - done.length;
      if (done.length > 0) {
        await unfollow(store, done);
      }
    } catch (err) {
      report.errors.push(`follow-ups: ${(err as Error).message ?? String(err)}`);
    }
    if (report.checked > 0 || report.published.length > 0 || report.errors.length > 0) {
      this.#o.logger.info('follow-ups', { fcRequestId: inv.fcRequestId, ...report });
    }
    return report;
  }

  async #step(
    entry: FollowEntry,
    sae: SaeApi,
    now: number,
    report: FollowReport,
    inv: InvocationInfo,
  ): Promise<'done' | 'pending' | 'out-of-calls'> {
    const { store, settings } = this.#o;
    const key = followUpOutcomeKey(entry.id);
    let record: CompletedRecord | undefined = await store.get(key);
    if (!record) {
      if (entry.nextCheckAt > now) return 'pending';
      if (report.checked >= settings.checksPerRun) return 'out-of-calls';
      report.checked++;
      const res = await sae.describeChangeOrder(entry.watchChangeOrderId);
      const trace: SaeTrace[] = [
        {
          action: 'DescribeChangeOrder',
          requestId: res.requestId,
          ...(res.traceId ? { traceId: res.traceId } : {}),
        },
      ];
      const v = verdictOf(entry, res.data, now, settings.stuckAfterMs);
      if (v.kind === 'pending') {
        await this.#later(entry, now);
        return 'pending';
      }
      const alarmCleared = v.kind === 'recovered' ? await this.#alarmCleared(entry) : undefined;
      const extra = alarmCleared === undefined ? {} : { alarmCleared };
      let outcome = followUpOutcome(entry, v, now, trace, extra);
      // Hooks run after the rollback is confirmed, with the follow-up as their payload.
      if (v.kind === 'recovered' && this.#o.hooks) {
        const hooks = await this.#o.hooks.run(outcome, inv.deadline);
        outcome = followUpOutcome(entry, v, now, trace, { ...extra, hooks });
      }
      const claim = await store.claim(key, 60_000);
      if (claim.status === 'in-progress') return 'pending';
      if (claim.status === 'completed') record = claim.record;
      else {
        await store.complete(key, claim.token, outcome, settings.retentionMs);
        record = { outcome, notified: false, delivered: [], completedAt: now };
      }
    }
    if (!record.notified && !(await this.#publish(key, record, inv))) return 'pending';
    report.published.push({
      changeOrderId: entry.changeOrderId,
      outcome: record.outcome.outcome,
      messageId: record.outcome.messageId,
    });
    return 'done';
  }

  /** The outbox, as processRequest runs it: under the publishing lease, only the channels missing it. */
  async #publish(key: string, record: CompletedRecord, inv: InvocationInfo): Promise<boolean> {
    const { store, notifiers, logger } = this.#o;
    const lease = publishingLease(key);
    const me = `follow-${this.#o.clock.now()}-${Math.random().toString(36).slice(2)}`;
    if (!(await store.lease(lease, me, 30_000))) return false;
    try {
      const fresh = (await store.get(key)) ?? record;
      if (fresh.notified) return true;
      const pending = notifiers.filter((n) => !fresh.delivered.includes(n.channel));
      const deadline = inv.deadline === undefined ? undefined : inv.deadline - 1_000;
      const pubs = pending.length > 0 ? await publishAll(pending, fresh.outcome, deadline) : [];
      const ok = pubs.filter((p) => p.ok).map((p) => p.channel);
      if (ok.length > 0) await store.markDelivered(key, ok);
      const all = ok.length === pending.length;
      if (all) await store.markNotified(key);
      logger.info('decision', {
        metric: 'sae_rollback_decision',
        fcRequestId: inv.fcRequestId,
        outcome: fresh.outcome.outcome,
        changeOrderId: fresh.outcome.changeOrderId,
        appId: fresh.outcome.appId,
        summary: fresh.outcome.summary,
        messageId: fresh.outcome.messageId,
        follows: fresh.outcome.follows,
        timeline: fresh.outcome.timeline,
        hooks: fresh.outcome.hooks,
        publications: pubs,
      });
      return all;
    } finally {
      await store.unlease(lease, me).catch(() => false);
    }
  }

  /**
   * The handlers' hook for alarm records that are back to OK (ignored otherwise): remembers when, so a
   * `recovered` can say whether the alarm that caused the rollback has cleared. Never throws.
   */
  async noteAlarmState(subject: AlarmSubject): Promise<void> {
    const key = alarmKey(subject);
    if (!this.#o.settings.enabled || !key || normalizeState(subject.alarm.state) !== 'OK') return;
    try {
      await this.#o.store.putValue(
        alarmOkKey(key),
        String(this.#o.clock.now()),
        this.#o.settings.retentionMs,
      );
    } catch (err) {
      this.#o.logger.warn('follow-up-alarm-state-not-kept', { error: (err as Error).message ?? String(err) });
    }
  }

  /** For CloudMonitor and Alertmanager alarms: has it reported OK since it reached us? */
  async #alarmCleared(entry: FollowEntry): Promise<boolean | undefined> {
    const alarm = entry.alarm;
    if (!alarm || (alarm.source !== 'cloudmonitor' && alarm.source !== 'alertmanager')) return undefined;
    const key = alarmKey({ alarm, appId: entry.appId, changeOrderId: entry.changeOrderId });
    if (!key) return undefined;
    const okAt = Number(await this.#o.store.getValue(alarmOkKey(key)));
    return Number.isFinite(okAt) && okAt >= Date.parse(entry.receivedAt);
  }

  /** Looks again later: the wait doubles with each look, up to `maxBackoffMs`. */
  async #later(entry: FollowEntry, now: number): Promise<void> {
    const { firstCheckMs, maxBackoffMs, retentionMs } = this.#o.settings;
    const checks = entry.checks + 1;
    const wait = Math.min(maxBackoffMs, Math.max(1_000, firstCheckMs) * 2 ** Math.min(checks - 1, 20));
    await saveEntry(this.#o.store, { ...entry, checks, nextCheckAt: now + wait }, retentionMs);
  }
}
