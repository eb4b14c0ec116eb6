import type { AppDirectory, ListApps } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { GuardSettings, WatchedApp } from './types.js';

export interface WatchList {
  apps: WatchedApp[];
  skipped: Array<{ appId: string; reason: string }>;
  errors: string[];
}

/**
 * The apps to watch: the configured IDs plus every app of the configured namespaces (ListApplications,
 * cached by the directory), sorted so the run-to-run cursor is stable — minus the apps the policy
 * excludes, which are never looked at (not findings, so not reported as refusals either).
 */
export async function watchList(
  settings: GuardSettings,
  directory: AppDirectory,
  list: ListApps,
  policy: Policy | undefined,
): Promise<WatchList> {
  const byId = new Map<string, WatchedApp>();
  const errors: string[] = [];
  for (const appId of settings.watchAppIds) byId.set(appId, { appId });
  for (const ns of settings.watchNamespaceIds) {
    try {
      for (const a of await directory.appsIn(ns, list)) {
        byId.set(a.appId, {
          appId: a.appId,
          ...(a.appName ? { appName: a.appName } : {}),
          namespaceId: a.namespaceId ?? ns,
        });
      }
    } catch (err) {
      errors.push(`listing namespace ${ns}: ${(err as Error).message}`);
    }
  }
  const apps: WatchedApp[] = [];
  const skipped: WatchList['skipped'] = [];
  for (const app of [...byId.values()].sort((a, b) => a.appId.localeCompare(b.appId))) {
    if (!policy) {
      apps.push(app);
      continue;
    }
    const finder = (allowed: readonly string[]) => directory.findNamespace(app.appId, allowed, list);
    try {
      const v = await policy.app(app.appId, finder, app.namespaceId);
      if (v.ok) apps.push(app);
      else skipped.push({ appId: app.appId, reason: v.reason });
    } catch (err) {
      errors.push(`checking the policy for app ${app.appId}: ${(err as Error).message}`);
    }
  }
  return { apps, skipped, errors };
}
