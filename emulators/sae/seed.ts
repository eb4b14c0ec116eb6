/** Seeding an app: its version records and, on request, the change orders that installed them. */
import { randomUUID } from 'node:crypto';
import { SaeStateError } from './errors.js';
import type { AppView, ChangeOrderView, SeedAppInput } from './types.js';
import { seedVersionRecords } from './versions.js';

const HOUR_MS = 3_600_000;

/**
 * The app `input` describes, created `now`. With `history`, also the succeeded change orders that
 * installed each version (`CoCreateApp` for the first, `CoDeploy` after), back-dated a day apart and
 * finished an hour before `now` at the latest, with the records created at their change orders' times —
 * the history ListChangeOrders shows for an app that has been released a few times.
 */
export function seededApp(input: SeedAppInput, now: number): { app: AppView; history: ChangeOrderView[] } {
  const versions = input.versions?.length ? [...input.versions] : ['v1'];
  if (input.versionIds !== undefined && input.versionIds.length !== versions.length) {
    throw new SaeStateError('InvalidParameter.Obviously', 'versionIds must be index-aligned with versions.');
  }
  const appName = input.appName ?? `app-${input.appId.slice(0, 8)}`;
  const records = seedVersionRecords(appName, versions, input.versionIds, now);
  if (input.history) {
    records.forEach((r, i) => {
      r.createTime = now - HOUR_MS - (records.length - 1 - i) * 24 * HOUR_MS;
    });
  }
  const currentVersion = versions[versions.length - 1] ?? 'v1';
  const app: AppView = {
    appId: input.appId,
    appName,
    namespaceId: input.namespaceId ?? 'cn-hangzhou',
    versions,
    currentVersion,
    currentVersionId: records.find((v) => v.label === currentVersion)?.versionId ?? '',
    versionRecords: records,
    runningInstances: input.runningInstances ?? 2,
    createTime: input.history ? (records[0]?.createTime ?? now) : now,
  };
  const history: ChangeOrderView[] = input.history
    ? records.map((r, i) => ({
        changeOrderId: randomUUID(),
        appId: app.appId,
        coTypeCode: i === 0 ? 'CoCreateApp' : 'CoDeploy',
        status: 2,
        subStatus: 0,
        createTime: r.createTime,
        updateTime: r.createTime + 60_000,
        finishTime: r.createTime + 60_000,
        batchCount: 1,
        source: 'console',
        description: `Version: ${r.label} | Image: ${r.imageUrl}`,
        fromVersion: records[i - 1]?.label ?? r.label,
        toVersion: r.label,
        pipelineIds: [randomUUID()],
      }))
    : [];
  return { app, history };
}
