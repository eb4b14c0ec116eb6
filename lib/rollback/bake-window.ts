import type { Clock } from '../clock.js';
import type { ResolutionCache } from '../idempotency/resolution-cache.js';
import { changeOrderKey, type Store } from '../idempotency/store.js';
import {
  type BakeVerdict,
  bakeEligibility,
  type ChangeOrderFactsCache,
  duration,
  versionLabel,
} from './bake.js';
import { bakeTarget, rememberedTarget, uncertainTargetDraft } from './bake-target.js';
import type { Ctx } from './context.js';
import { awaitingApprovalDraft, failure } from './drafts.js';
import type { Outcome } from './outcome.js';
import { type GateOptions, passValves } from './valves-step.js';

export interface BakeWindowOptions extends GateOptions {
  store: Store;
  clock: Clock;
  /** The post-deploy bake window; 0 disables. */
  windowMs: number;
  retentionMs: number;
  claimMs: number;
  cache: ResolutionCache | undefined;
  facts: ChangeOrderFactsCache;
}

/**
 * The post-deploy bake window, the core's collaborator: whether a finished release is one to undo
 * now, and undoing it — RollbackApplication to the version that was live before it (bake-target.ts),
 * through the safety valves and dry-run — with the change order it started remembered as handled.
 */
export class BakeWindow {
  readonly #o: BakeWindowOptions;

  constructor(o: BakeWindowOptions) {
    this.#o = o;
  }

  get windowMs(): number {
    return this.#o.windowMs;
  }

  /**
   * Whether a finished change order is one the bake window undoes now. `latestKnown`: the caller knows
   * it is the app's latest (else DescribeApplicationStatus, cached, must say so). `statusName` (SAE's
   * LastChangeOrderStatus) saves the look-up when it already rules the change order out.
   */
  async check(
    appId: string,
    changeOrderId: string,
    statusName: string | undefined,
    latestKnown: boolean,
    x: Ctx,
  ): Promise<BakeVerdict> {
    if (this.#o.windowMs <= 0) return { eligible: false, why: '' };
    if (statusName !== undefined && statusName !== 'SUCCESS' && statusName !== 'FAIL') {
      return { eligible: false, why: '' };
    }
    if (!latestKnown) {
      const lookup = () => x.call('DescribeApplicationStatus', () => x.sae.describeApplicationStatus(appId));
      const status = this.#o.cache
        ? (await this.#o.cache.resolve(appId, lookup, x.workUntil)).status
        : await lookup();
      if (status.lastChangeOrderId !== changeOrderId) {
        return { eligible: false, why: `app ${appId} has a newer change order` };
      }
    }
    const facts = await this.#o.facts.get(
      appId,
      changeOrderId,
      (q) => x.call('ListChangeOrders', () => x.sae.listChangeOrders(q)),
      { finished: true },
    );
    if (!facts) return { eligible: false, why: `SAE does not list it among the app's latest change orders` };
    return bakeEligibility(facts, this.#o.clock.now(), this.#o.windowMs);
  }

  /**
   * Inside the bake window: ListAppVersions → (valves, dry-run) → RollbackApplication to the version
   * before the newest. Claimed under the finished change order's key, so a second alarm is a duplicate.
   */
  async act(
    appId: string,
    changeOrderId: string,
    bake: Extract<BakeVerdict, { eligible: true }>,
    changes: number,
    x: Ctx,
    appName?: string,
  ): Promise<Outcome> {
    const base = {
      changeOrderId,
      appId,
      ...(appName ? { appName } : {}),
      changeOrderStatus: bake.facts.status,
    };
    const why =
      bake.kind === 'succeeded'
        ? `its release ${changeOrderId} succeeded ${duration(bake.ageMs)} ago, inside the ${duration(this.#o.windowMs)} bake window`
        : `its single-batch release ${changeOrderId} failed ${duration(bake.ageMs)} ago, and SAE does not roll those back`;
    const app = x.app;
    let undo: (() => Promise<void>) | undefined;
    try {
      if (!app) throw new Error('no SAE application client');
      const pair = await bakeTarget({
        appId,
        releaseId: changeOrderId,
        listChangeOrders: (q) => x.call('ListChangeOrders', () => x.sae.listChangeOrders(q)),
        listAppVersions: () => x.call('ListAppVersions', () => app.listAppVersions(appId)),
        remembered: (id) => rememberedTarget(this.#o.store, id),
      });
      if (!pair.ok) {
        // Published once while the history stays uncertain, not every FAILURE_TTL_SECONDS.
        x.note = { key: `sae-rollback:bake-target:${changeOrderId}`, ttlMs: this.#o.retentionMs };
        return x.finish({ ...base, ...uncertainTargetDraft(appId, why, pair) });
      }
      const versionInfo = { versions: { from: pair.from.versionId, to: pair.to.versionId } };
      const move = `from version ${versionLabel(pair.from)} to ${versionLabel(pair.to)}`;
      const gate = await passValves(this.#o, { appId, changeOrderId, changes });
      if (gate.kind === 'suppressed') {
        return x.finish({
          ...base,
          ...versionInfo,
          outcome: 'suppressed',
          valve: gate.valve,
          summary: `Did not roll app ${appId} back ${move} (${why}): suppressed by the ${gate.valve} safety valve.`,
          reason: gate.reason,
        });
      }
      if (gate.kind === 'dry-run') {
        return x.finish({
          ...base,
          ...versionInfo,
          outcome: 'dry-run',
          summary: `Dry run: would have rolled app ${appId} back ${move} (RollbackApplication), because ${why}. Nothing was changed.`,
        });
      }
      undo = gate.undo;
      const res = await x.call('RollbackApplication', () =>
        app.rollbackApplication({ appId, versionId: pair.to.versionId }),
      );
      if (res.changeOrderId) x.started = res.changeOrderId;
      if (res.isNeedApproval) {
        return x.finish({
          ...base,
          ...versionInfo,
          ...awaitingApprovalDraft(appId, move, why, res.changeOrderId),
        });
      }
      return x.finish({
        ...base,
        ...versionInfo,
        outcome: 'rolled-back-application',
        summary: `Rolled app ${appId} back ${move}, because ${why}${res.changeOrderId ? ` (SAE change order ${res.changeOrderId})` : ''}.`,
      });
    } catch (err) {
      await undo?.().catch(() => undefined);
      return x.finish({ ...base, ...failure(err, `rolling back app ${appId}`) });
    }
  }

  /**
   * Remembers the change order RollbackApplication started under its own key, as already handled: a
   * later alarm that resolves the app to it (still running, or finished) gets a duplicate, and is never
   * taken for a bad release to abort.
   */
  async rememberStarted(startedId: string, outcome: Outcome): Promise<void> {
    const key = changeOrderKey(startedId);
    const claim = await this.#o.store.claim(key, this.#o.claimMs);
    if (claim.status !== 'claimed') return;
    if (await this.#o.store.complete(key, claim.token, outcome, this.#o.retentionMs)) {
      await this.#o.store.markNotified(key);
    }
  }
}
