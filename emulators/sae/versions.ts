/** Version records: one per distinct label an app has run, with the ID ListAppVersions shows. */
import { randomUUID } from 'node:crypto';
import type { AppVersionView, AppView } from './types.js';

const MINUTE_MS = 60_000;

/** The image a version runs; the label is the tag, so a human reading ListAppVersions sees `v2`. */
export function imageUrlFor(appName: string, label: string): string {
  return `registry-vpc.cn-hangzhou.aliyuncs.com/sae-emulator/${appName}:${label}`;
}

/**
 * Records for seeded versions: distinct labels in order, created a minute apart so the newest was
 * created `now` (gives "newest first" an honest CreateTime order, not just insertion order).
 */
export function seedVersionRecords(
  appName: string,
  labels: readonly string[],
  ids: readonly string[] | undefined,
  now: number,
): AppVersionView[] {
  const distinct: Array<{ label: string; id: string }> = [];
  labels.forEach((label, i) => {
    if (!distinct.some((d) => d.label === label)) distinct.push({ label, id: ids?.[i] ?? randomUUID() });
  });
  return distinct.map((d, i) => ({
    versionId: d.id,
    label: d.label,
    createTime: now - (distinct.length - 1 - i) * MINUTE_MS,
    type: 'image',
    imageUrl: imageUrlFor(appName, d.label),
  }));
}

/** The app's record for `label`, appended (created `now`) when the app never ran that label. */
export function ensureVersionRecord(app: AppView, label: string, now: number, id?: string): AppVersionView {
  const existing =
    app.versionRecords.find((v) => v.versionId === id && v.label === label) ??
    app.versionRecords.find((v) => v.label === label);
  return existing ?? appendVersionRecord(app, label, now, id);
}

function appendVersionRecord(app: AppView, label: string, now: number, id?: string): AppVersionView {
  const record: AppVersionView = {
    versionId: id ?? randomUUID(),
    label,
    createTime: now,
    type: 'image',
    imageUrl: imageUrlFor(app.appName, label),
  };
  app.versionRecords.push(record);
  return record;
}

/**
 * Moves the app to `label` (appending to the deployment history) and keeps `currentVersionId` in step.
 * `newRecord`: the change ships the label again (a redeploy), so it gets a record of its own.
 */
export function moveTo(app: AppView, label: string, now: number, id?: string, newRecord = false): void {
  const record = newRecord
    ? appendVersionRecord(app, label, now, id)
    : ensureVersionRecord(app, label, now, id);
  app.versions.push(label);
  app.currentVersion = label;
  app.currentVersionId = record.versionId;
}
