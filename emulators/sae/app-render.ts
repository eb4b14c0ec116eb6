/** `Data` shapes of ListApplications and ListAppVersions (field names as in the official SDK models). */
import type { AppVersionView, AppView } from './types.js';

/** One `Data.Applications[]` entry (TS SDK `ListApplicationsResponseBodyDataApplications`). */
export function applicationListItem(app: AppView, regionId: string) {
  return {
    AppId: app.appId,
    AppName: app.appName,
    AppDescription: '',
    AppDeletingStatus: false,
    NamespaceId: app.namespaceId,
    RegionId: regionId,
    Instances: app.runningInstances,
    RunningInstances: app.runningInstances,
    ImageUrl: app.versionRecords.find((v) => v.versionId === app.currentVersionId)?.imageUrl ?? '',
    Tags: [],
  };
}

/**
 * One `Data[]` entry of ListAppVersions (TS SDK `ListAppVersionsResponseBodyData`): `CreateTime` is a
 * string of epoch milliseconds (doc sample `1590124643553`); for image versions the image goes in
 * `WarUrl` (doc: "当Type为image时，表示镜像地址") and `BuildPackageUrl` is only for code packages.
 */
export function appVersionItem(version: AppVersionView) {
  return {
    Id: version.versionId,
    Type: version.type,
    CreateTime: String(version.createTime),
    WarUrl: version.imageUrl,
  };
}
