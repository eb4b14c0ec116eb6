import { z } from 'zod';
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
 * Which apps each SAE namespace holds, from ListApplications, cached in the shared store for a few
 * minutes: the guard reads its watched namespaces from it, and the namespace allowlist uses it to tell
 * whether an app belongs to an allowed namespace (SAE's status and change-order APIs do not say).
 */
export class AppDirectory {
  readonly #store: SharedState;
  readonly #ttlMs: number;

  constructor(opts: { store: SharedState; ttlMs?: number }) {
    this.#store = opts.store;
    this.#ttlMs = opts.ttlMs ?? 5 * 60_000;
  }

  /** The namespace's apps: cached, or listed page by page (at most 5,000). */
  async appsIn(namespaceId: string, list: ListApps): Promise<ApplicationSummary[]> {
    const key = `sae-rollback:ns:${namespaceId}:apps`;
    const hit = this.#parse(await this.#store.getValue(key));
    if (hit) return hit;
    const apps: ApplicationSummary[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await list({ namespaceId, currentPage: page, pageSize: PAGE_SIZE });
      apps.push(...res.applications.map((a) => ({ ...a, namespaceId: a.namespaceId ?? namespaceId })));
      if (res.applications.length < PAGE_SIZE || apps.length >= res.totalSize) break;
    }
    await this.#store.putValue(key, JSON.stringify(apps), this.#ttlMs);
    return apps;
  }

  /** The first of `namespaces` holding the app, or undefined. */
  async findNamespace(
    appId: string,
    namespaces: readonly string[],
    list: ListApps,
  ): Promise<string | undefined> {
    for (const ns of namespaces) {
      if ((await this.appsIn(ns, list)).some((a) => a.appId === appId)) return ns;
    }
    return undefined;
  }

  #parse(raw: string | undefined): ApplicationSummary[] | undefined {
    if (raw === undefined) return undefined;
    try {
      const r = cachedSchema.safeParse(JSON.parse(raw));
      return r.success ? (r.data as ApplicationSummary[]) : undefined;
    } catch {
      return undefined;
    }
  }
}
