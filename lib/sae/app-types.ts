/**
 * SAE application-level calls the guard needs (find apps, their versions, roll one back), kept apart
 * from the change-order port in types.ts. The adapter is `SaeAppClient` (app-client.ts).
 */
import type { SaeResult } from './types.js';

export interface ListApplicationsQuery {
  /** e.g. `cn-hangzhou` (the default namespace) or `cn-hangzhou:prod`. */
  namespaceId?: string;
  /** Substring match on the app name. */
  appName?: string;
  currentPage?: number;
  pageSize?: number;
}

export interface ApplicationSummary {
  appId: string;
  appName?: string;
  namespaceId?: string;
  regionId?: string;
  instances?: number;
  runningInstances?: number;
}

export interface ApplicationPage {
  currentPage: number;
  pageSize: number;
  totalSize: number;
  applications: ApplicationSummary[];
}

export interface AppVersion {
  /** What RollbackApplication takes as `VersionId`. */
  versionId: string;
  /** `image`, `url` or `upload`. */
  type?: string;
  /** As SAE sends it: a string of epoch milliseconds (doc sample `1590124643553`). */
  createTime?: string;
  /** `createTime` as epoch ms, when it is one. */
  createdAt?: number;
  /** The image (for `image` versions SAE puts it in `WarUrl`). */
  imageUrl?: string;
  /** The code package URL (url/upload versions). */
  buildPackageUrl?: string;
}

export interface RollbackApplicationInput {
  appId: string;
  /** From {@link SaeAppApi.listAppVersions}. */
  versionId: string;
  minReadyInstances?: number;
  minReadyInstanceRatio?: number;
  /** Seconds between batches. */
  batchWaitTime?: number;
  /** JSON, e.g. `{"type":"BatchUpdate","batchUpdate":{"batch":2,"releaseType":"auto","batchWaitTime":0}}`. */
  updateStrategy?: string;
  autoEnableApplicationScalingRule?: boolean;
}

export interface RollbackApplicationResult {
  /** The `CoRollback` change order SAE started; absent only if SAE's answer left it out. */
  changeOrderId?: string;
  /**
   * SAE's `IsNeedApproval`: release approval is on for the caller, so the change order waits for an
   * approver (status 11, pending approval) and nothing has been rolled back yet.
   */
  isNeedApproval: boolean;
}

/** The SAE application port. Every method throws `SaeError` (classified) on failure. */
export interface SaeAppApi {
  listApplications(query?: ListApplicationsQuery): Promise<SaeResult<ApplicationPage>>;
  /** Newest first (sorted by CreateTime; SAE's own order is kept for ties or unreadable times). */
  listAppVersions(appId: string): Promise<SaeResult<AppVersion[]>>;
  rollbackApplication(input: RollbackApplicationInput): Promise<SaeResult<RollbackApplicationResult>>;
}

/** The SAE application actions this code may call (the RAM policy adds them as `sae:<Action>`). */
export const SAE_APP_ACTIONS = ['ListApplications', 'ListAppVersions', 'RollbackApplication'] as const;
export type SaeAppAction = (typeof SAE_APP_ACTIONS)[number];
