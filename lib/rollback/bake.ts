import { z } from 'zod';
import type { SharedState } from '../idempotency/store.js';
import type { AppVersion } from '../sae/app-types.js';
import { parseSaeTime } from '../sae/time.js';
import {
  type ChangeOrderPage,
  ChangeOrderStatus,
  describeStatus,
  type ListChangeOrdersQuery,
} from '../sae/types.js';

/**
 * The post-deploy bake window: the worst regressions show up minutes *after* a release finished, when
 * there is no change order left to abort. A release that succeeded (or failed as a single batch, which
 * SAE does not roll back by itself) less than the window ago is undone with ListAppVersions →
 * RollbackApplication to the version live before it (bake-target.ts). The idempotency key is that release's change order ID.
 */

/** What the bake window and the guard need to know about a change order (from ListChangeOrders). */
export interface ChangeOrderFacts {
  changeOrderId: string;
  status: number;
  coTypeCode?: string;
  batchCount?: number;
  createdAt?: number;
  finishedAt?: number;
}

/** Change types that install a new version, so "the version before it" is the one to go back to. */
export const BAKE_CHANGE_TYPES: ReadonlySet<string> = new Set(['CoDeploy']);

export type BakeVerdict =
  | { eligible: true; kind: 'succeeded' | 'failed-single-batch'; facts: ChangeOrderFacts; ageMs: number }
  | { eligible: false; why: string };

/** Whether a finished change order is one the bake window undoes, now. */
export function bakeEligibility(f: ChangeOrderFacts, now: number, windowMs: number): BakeVerdict {
  const kind =
    f.status === ChangeOrderStatus.Succeeded
      ? 'succeeded'
      : f.status === ChangeOrderStatus.Failed && f.batchCount === 1
        ? 'failed-single-batch'
        : undefined;
  if (!kind) {
    const batches = f.status === ChangeOrderStatus.Failed ? ` with ${f.batchCount ?? 'unknown'} batches` : '';
    return { eligible: false, why: `it ${describeStatus(f.status)}${batches}` };
  }
  if (!f.coTypeCode || !BAKE_CHANGE_TYPES.has(f.coTypeCode)) {
    return { eligible: false, why: `it was a ${f.coTypeCode ?? 'change of unknown type'}, not a deployment` };
  }
  if (f.finishedAt === undefined) return { eligible: false, why: 'SAE did not say when it finished' };
  const ageMs = Math.max(0, now - f.finishedAt);
  if (ageMs >= windowMs) {
    return {
      eligible: false,
      why: `it finished ${duration(ageMs)} ago, outside the ${duration(windowMs)} bake window`,
    };
  }
  return { eligible: true, kind, facts: f, ageMs };
}

/** A version as a human reads it: the image (or package) and the ID. */
export function versionLabel(v: AppVersion): string {
  const where = v.imageUrl ?? v.buildPackageUrl;
  const tail = where ? where.slice(where.lastIndexOf('/') + 1) : undefined;
  return tail ? `${tail} (${v.versionId})` : v.versionId;
}

export function duration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

const factsSchema = z.object({
  changeOrderId: z.string(),
  status: z.number(),
  coTypeCode: z.string().optional(),
  batchCount: z.number().optional(),
  createdAt: z.number().optional(),
  finishedAt: z.number().optional(),
});

/**
 * Change-order facts from ListChangeOrders, cached in the shared store: type, batch count and create
 * time never change, and neither does a finish time once there is one — so the guard's runs and a
 * storm of alarms for one app cost one ListChangeOrders per change order (per state), not one each.
 */
export class ChangeOrderFactsCache {
  readonly #store: SharedState;
  readonly #ttlMs: number;

  constructor(opts: { store: SharedState; ttlMs?: number }) {
    this.#store = opts.store;
    this.#ttlMs = opts.ttlMs ?? 24 * 3_600_000;
  }

  /**
   * The facts of `changeOrderId` (one of the app's 10 latest), or undefined when SAE does not list it.
   * `finished`: a cached entry without a finish time is refreshed.
   */
  async get(
    appId: string,
    changeOrderId: string,
    list: (q: ListChangeOrdersQuery) => Promise<ChangeOrderPage>,
    opts: { finished?: boolean } = {},
  ): Promise<ChangeOrderFacts | undefined> {
    const cached = await this.#read(changeOrderId);
    if (cached && (!opts.finished || cached.finishedAt !== undefined)) return cached;
    const page = await list({ appId, currentPage: 1, pageSize: 10 });
    let found: ChangeOrderFacts | undefined;
    for (const c of page.changeOrders) {
      const createdAt = parseSaeTime(c.createTime);
      const finishedAt = parseSaeTime(c.finishTime);
      const facts: ChangeOrderFacts = {
        changeOrderId: c.changeOrderId,
        status: c.status,
        ...(c.coTypeCode ? { coTypeCode: c.coTypeCode } : {}),
        ...(c.batchCount !== undefined ? { batchCount: c.batchCount } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        ...(finishedAt !== undefined ? { finishedAt } : {}),
      };
      await this.#store.putValue(this.#key(c.changeOrderId), JSON.stringify(facts), this.#ttlMs);
      if (c.changeOrderId === changeOrderId) found = facts;
    }
    return found;
  }

  /** Records facts learnt elsewhere (the guard's own ListChangeOrders). */
  async put(facts: ChangeOrderFacts): Promise<void> {
    await this.#store.putValue(this.#key(facts.changeOrderId), JSON.stringify(facts), this.#ttlMs);
  }

  async #read(changeOrderId: string): Promise<ChangeOrderFacts | undefined> {
    const raw = await this.#store.getValue(this.#key(changeOrderId));
    if (raw === undefined) return undefined;
    try {
      const r = factsSchema.safeParse(JSON.parse(raw));
      return r.success ? (r.data as ChangeOrderFacts) : undefined;
    } catch {
      return undefined;
    }
  }

  #key(changeOrderId: string): string {
    return `sae-rollback:co:${changeOrderId}:facts`;
  }
}
