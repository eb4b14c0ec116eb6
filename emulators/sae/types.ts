/** Public shapes of the SAE emulator: what tests, `npm start` and `sae-rollback dev` use. */

import type { PopEmulatorBase } from '../kit/split-server.js';
import type { SaeErrorShape } from './envelope.js';

/** An AccessKey the emulator accepts, plus the permissions RAM would give it. */
export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests MUST carry this exact `x-acs-security-token` (an STS credential). */
  securityToken?: string;
  /** Actions (e.g. `AbortAndRollbackChangeOrder`) RAM denies: answered 403 `AccessDenied`. */
  deniedActions?: string[];
  /** When set, only these apps may be touched: others give 400 `Resouce.no.permission`. */
  allowedAppIds?: string[];
}

/** Seed for an application. */
export interface SeedAppInput {
  appId: string;
  appName?: string;
  namespaceId?: string;
  /** Deployed versions, oldest → newest; the current version is the last. Default `['v1']`. */
  versions?: string[];
  /**
   * Version IDs (what ListAppVersions returns as `Id` and RollbackApplication takes as `VersionId`),
   * index-aligned with `versions`. Default: a random UUID per version.
   */
  versionIds?: string[];
  /** Default 2. */
  runningInstances?: number;
  /**
   * Also the succeeded change orders that installed the versions (`CoCreateApp`, then `CoDeploy` each),
   * back-dated a day apart (the records with them), the last finished an hour ago. Default false: an
   * app whose earlier change orders SAE no longer lists.
   */
  history?: boolean;
  /** Release approval on: RollbackApplication answers `IsNeedApproval: true` and its change order waits (11). */
  approvalRequired?: boolean;
}

/** Seed for a change order on an existing app. */
export interface StartChangeOrderInput {
  appId: string;
  changeOrderId?: string;
  /** Default `CoDeploy`. */
  coTypeCode?: string;
  /** Numeric SAE status; default 1 (executing). */
  status?: number;
  /** 1 = "an exception occurred" (e.g. a stuck phased release). Default 0. */
  subStatus?: 0 | 1;
  /** The version this change order deploys; default `v<n+1>`. Only deploy-like types move the version. */
  toVersion?: string;
  /** ID of the version record created when `toVersion` is new to the app; default a random UUID. */
  toVersionId?: string;
  /** Default 1. */
  batchCount?: number;
  /** Default `api`; `system` for SAE's own (auto scaling). */
  source?: ChangeSource;
  description?: string;
  /** Instances the change adds once it starts (a scale-out). */
  addInstances?: number;
}

export type ChangeSource = 'console' | 'api' | 'system';

/** Options of {@link SaeEmulator.autoScaleOut}. */
export interface AutoScaleOutOptions {
  /** Start it when this many more API requests have arrived (mid-storm); default 0: now. */
  afterCalls?: number;
  /** Instances added; default 1. */
  instances?: number;
}

/** One deployable version of an app, as ListAppVersions shows it (one record per distinct label). */
export interface AppVersionView {
  versionId: string;
  /** Human label (`v2`); SAE has no such field, the emulator puts it in the image tag. */
  label: string;
  /** Epoch ms from the emulator clock; rendered as a string of digits, like SAE's `CreateTime`. */
  createTime: number;
  type: 'image';
  imageUrl: string;
}

/** An application as the emulator holds it (`currentVersion` is not exposed by the SAE API). */
export interface AppView {
  appId: string;
  appName: string;
  namespaceId: string;
  /** Deployment history, oldest → newest; a rollback appends the label it restored. */
  versions: string[];
  currentVersion: string;
  currentVersionId: string;
  /** Distinct versions, oldest → newest (ListAppVersions answers newest first). */
  versionRecords: AppVersionView[];
  runningInstances: number;
  createTime: number;
}

/**
 * What RollbackApplication does with the change order it creates: `immediate` (default) marks it
 * succeeded (Status 2, FinishTime = now); `manual` leaves it executing (Status 1) until the test
 * calls `setChangeOrderStatus`/`finishChangeOrder`. Either way the app's current version moves at
 * creation, as for every deploy-like change order here, and an abort restores it.
 */
export type RollbackCompletion = 'immediate' | 'manual';

/**
 * What SAE does after AbortAndRollbackChangeOrder. `immediate` (default): the change order is terminated
 * (status 6) and the previous version restored at once. Otherwise it stays executing ("terminating")
 * for `terminatingMs` on the emulator clock, then ends: `rolled-back` — terminated (6), previous version
 * restored; `failed` — SAE's rollback failed (status 3, or 10 with `systemFailure`), the bad version stays;
 * `stuck` — never ends. Configuration: reset() keeps it.
 */
export type AbortProgress =
  | { mode: 'immediate' }
  | {
      mode: 'terminating';
      terminatingMs: number;
      end: 'rolled-back' | 'failed' | 'stuck';
      systemFailure?: boolean;
    };

/** Options of {@link SaeEmulator.finishChangeOrder}. */
export interface FinishChangeOrderOptions {
  /** A terminal status: 2 (default), 3, 6 or 10. */
  status?: 2 | 3 | 6 | 10;
  /** FinishTime (epoch ms); default the emulator clock's now. */
  at?: number;
}

/** A change order as the emulator holds it. Times are epoch milliseconds. */
export interface ChangeOrderView {
  changeOrderId: string;
  appId: string;
  coTypeCode: string;
  status: number;
  subStatus: 0 | 1;
  createTime: number;
  updateTime: number;
  finishTime?: number;
  batchCount: number;
  source: ChangeSource;
  description: string;
  /** The app's version before this change order: what a rollback restores. */
  fromVersion: string;
  toVersion: string;
  pipelineIds: string[];
}

/** One request the emulator received (admin requests excluded). `status` 0 = not answered (yet), or reset. */
export interface CallRecord {
  at: number;
  action: string;
  method: string;
  path: string;
  query: Record<string, string>;
  accessKeyId?: string;
  status: number;
  code?: string;
  requestId: string;
  signatureValid: boolean;
}

interface FaultBase {
  /** Only calls to this action; default any action. */
  action?: string;
  /** How many matching calls it hits; default 1. */
  times?: number;
}

/** A failure to inject. Faults fire after signature verification, before normal handling. */
export type Fault =
  | (FaultBase & {
      kind: 'http-error';
      status: number;
      code: string;
      message?: string;
      /** `sae` (default): SAE error envelope; `pop`: gateway shape `{RequestId,HostId,Code,Message,Recommend}`. */
      shape?: 'sae' | 'pop';
    })
  | (FaultBase & { kind: 'throttle'; status?: number })
  | (FaultBase & { kind: 'html'; status?: number })
  | (FaultBase & { kind: 'latency'; ms: number })
  | (FaultBase & { kind: 'reset' })
  | (FaultBase & { kind: 'success-false'; code: string; message?: string });

/** Kinds of fault, for exhaustiveness checks. */
export type FaultKind = Fault['kind'];

/** A running SAE emulator: a real HTTP server on 127.0.0.1 plus in-process controls. */
/** `url`/`endpoint` (`127.0.0.1:PORT`, for openapi-client's `Config.endpoint` with `protocol: 'http'`). */
export interface SaeEmulator extends PopEmulatorBase<EmulatorCredential, CallRecord> {
  seedApp(input: SeedAppInput): AppView;
  /** Creates a change order; throws if the app already has one that is not terminal. */
  startChangeOrder(input: StartChangeOrderInput): string;
  setChangeOrderStatus(changeOrderId: string, status: number, subStatus?: 0 | 1): ChangeOrderView;
  /** Ends a change order with a terminal status, optionally back-dating FinishTime ("succeeded 5 min ago"). */
  finishChangeOrder(changeOrderId: string, opts?: FinishChangeOrderOptions): ChangeOrderView;
  /**
   * The app's auto scaling starts a `CoScaleOut` (executing; finish it with `finishChangeOrder`): now
   * (returns its ID; throws while another change order runs), or after `afterCalls` more API requests
   * (returns undefined; it waits for a running change order to end).
   */
  autoScaleOut(appId: string, opts?: AutoScaleOutOptions): string | undefined;
  /** Makes a namespace known without apps (ListApplications on an unknown one is `InvalidNamespaceId.NotFound`). */
  seedNamespace(namespaceId: string): void;
  /** Apps in seeding order, optionally only one namespace's. */
  listApps(namespaceId?: string): AppView[];
  /** Distinct versions of an app, newest first (as ListAppVersions answers); undefined for an unknown app. */
  getAppVersions(appId: string): AppVersionView[] | undefined;
  /** Turns release approval on or off for an app (RollbackApplication then answers `IsNeedApproval`). */
  setApprovalRequired(appId: string, on: boolean): void;
  /** How RollbackApplication's change orders end; see {@link RollbackCompletion}. */
  setRollbackCompletion(mode: RollbackCompletion): void;
  /** What an abort does next; see {@link AbortProgress}. */
  setAbortProgress(progress: AbortProgress): void;
  getApp(appId: string): AppView | undefined;
  getChangeOrder(changeOrderId: string): ChangeOrderView | undefined;
  callsTo(action: string): CallRecord[];
  clearCalls(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Turns SAE's flow control on (`Throttling.User` past `calls` per `windowMs` per AccessKey) or off. */
  setRateLimit(limit: { calls: number; windowMs: number } | undefined): void;
  /** Switches how SAE error bodies name the code (configuration: reset() keeps it). */
  setErrorShape(shape: SaeErrorShape): void;
  /** Forgets apps, change orders, calls and faults; credentials and used nonces stay. */
  reset(): void;
  /** Everything, for `GET /__admin/state`; credentials appear by AccessKey ID only. */
  snapshot(): EmulatorSnapshot;
}

export interface EmulatorSnapshot {
  apps: AppView[];
  namespaces: string[];
  rollbackCompletion: RollbackCompletion;
  abortProgress: AbortProgress;
  errorShape: SaeErrorShape;
  changeOrders: ChangeOrderView[];
  faults: Array<Fault & { remaining: number }>;
  accessKeyIds: string[];
}
