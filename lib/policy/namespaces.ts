import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CachedJson } from '../cached-json.js';
import type { SharedState } from '../idempotency/store.js';
import type { ApplicationPage, ApplicationSummary, ListApplicationsQuery } from '../sae/app-types.js';

/** Lists one page of a namespace's apps (ListApplications, through the call budget). */
export type ListApps = (q: ListApplicationsQuery) => Promise<ApplicationPage>;

const cachedSchema = z.array(
  z.object({ appId: z.string(), appName: z.string().optional(), namespaceId: z.string().optional() }),
);

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

/**
 * An app missing from a namespace's cached listing makes the namespace be listed again (it may be new)
 * — but at most once per this long per namespace, however many unknown apps alarm meanwhile.
 */
export const MISS_RELIST_MS = 30_000;

/**
 * Which apps each SAE namespace holds, from ListApplications, cached in the shared store for a few
 * minutes: the guard reads its watched namespaces from it, and the namespace allowlist uses it to tell
 * whether an app belongs to an allowed namespace (SAE's status and change-order APIs do not say).
 */
export class AppDirectory {
  readonly #store: SharedState;
  readonly #listings: CachedJson<ApplicationSummary[]>;

  constructor(opts: { store: SharedState; ttlMs?: number }) {
    this.#store = opts.store;
    this.#listings = new CachedJson(opts.store, cachedSchema, opts.ttlMs ?? 5 * 60_000);
  }

  /** The namespace's apps: cached, or listed page by page (at most 5,000). `fresh`: list them now. */
  async appsIn(
    namespaceId: string,
    list: ListApps,
    opts: { fresh?: boolean } = {},
  ): Promise<ApplicationSummary[]> {
    const key = `sae-rollback:ns:${namespaceId}:apps`;
    const hit = opts.fresh ? undefined : await this.#listings.get(key);
    if (hit) return hit;
    // A listing also counts as the namespace's look-up for misses: none again within MISS_RELIST_MS.
    if (!opts.fresh) await this.#store.lease(this.#relistKey(namespaceId), randomUUID(), MISS_RELIST_MS);
    const apps: ApplicationSummary[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await list({ namespaceId, currentPage: page, pageSize: PAGE_SIZE });
      apps.push(...res.applications.map((a) => ({ ...a, namespaceId: a.namespaceId ?? namespaceId })));
      if (res.applications.length < PAGE_SIZE || apps.length >= res.totalSize) break;
    }
    await this.#listings.put(key, apps);
    return apps;
  }

  /**
   * The first of `namespaces` holding the app, or undefined. An app the cached listings do not show
   * may have been created since: each namespace not listed within MISS_RELIST_MS is listed again
   * before the app is declared outside them (the lease makes that once per window across instances).
   */
  async findNamespace(
    appId: string,
    namespaces: readonly string[],
    list: ListApps,
  ): Promise<string | undefined> {
    const has = (apps: readonly ApplicationSummary[]) => apps.some((a) => a.appId === appId);
    for (const ns of namespaces) {
      if (has(await this.appsIn(ns, list))) return ns;
    }
    for (const ns of namespaces) {
      if (!(await this.#store.lease(this.#relistKey(ns), randomUUID(), MISS_RELIST_MS))) continue;
      if (has(await this.appsIn(ns, list, { fresh: true }))) return ns;
    }
    return undefined;
  }

  #relistKey(namespaceId: string): string {
    return `sae-rollback:ns:${namespaceId}:listed`;
  }
}
