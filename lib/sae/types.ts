/**
 * The narrow slice of the SAE 2019-05-06 API that sae-rollback uses. The adapter on
 * `@alicloud/openapi-client` implements it; tests use the emulator (or an in-memory fake for pure logic).
 */

/** Numeric change-order statuses, as documented for DescribeChangeOrder. */
export const ChangeOrderStatus = {
  Preparing: 0,
  Executing: 1,
  Succeeded: 2,
  Failed: 3,
  Terminated: 6,
  WaitingManualBatch: 8,
  WaitingAutoBatch: 9,
  SystemFailure: 10,
  PendingApproval: 11,
  ApprovedPending: 12,
} as const;
export type ChangeOrderStatus = (typeof ChangeOrderStatus)[keyof typeof ChangeOrderStatus];

/** Statuses after which nothing can be aborted any more. */
export const TERMINAL_STATUSES: ReadonlySet<number> = new Set([
  ChangeOrderStatus.Succeeded,
  ChangeOrderStatus.Failed,
  ChangeOrderStatus.Terminated,
  ChangeOrderStatus.SystemFailure,
]);

const STATUS_NAMES: Record<number, string> = {
  0: 'preparing',
  1: 'executing',
  2: 'succeeded',
  3: 'failed',
  6: 'terminated',
  8: 'waiting for manual batch confirmation',
  9: 'waiting for automatic batch release',
  10: 'failed (system exception)',
  11: 'pending approval',
  12: 'approved, pending execution',
};

/** A human name for a numeric status, for summaries and logs. */
export function describeStatus(status: number): string {
  return STATUS_NAMES[status] ?? `status ${status}`;
}

/** Where a call's answer came from: SAE's request and trace IDs, for the audit trail. */
export interface SaeCallMeta {
  requestId: string;
  traceId?: string;
}

export interface SaeResult<T> extends SaeCallMeta {
  data: T;
}

export interface ChangeOrder {
  changeOrderId: string;
  appId: string;
  appName?: string;
  status: number;
  subStatus: number;
  coTypeCode?: string;
  createTime?: string;
  description?: string;
  supportRollback?: boolean;
}

export interface ApplicationStatus {
  appId: string;
  /** Empty when the app has no (unexpired) change order. */
  lastChangeOrderId?: string;
  lastChangeOrderRunning: boolean;
  lastChangeOrderStatus?: string;
  subStatus?: string;
  currentStatus?: string;
}

export interface ChangeOrderSummary {
  changeOrderId: string;
  appId?: string;
  status: number;
  coTypeCode?: string;
  createTime?: string;
  finishTime?: string;
  /** Number of release batches (1: a single-batch release, which SAE does not roll back by itself). */
  batchCount?: number;
}

export interface ChangeOrderPage {
  currentPage: number;
  pageSize: number;
  totalSize: number;
  changeOrders: ChangeOrderSummary[];
}

export interface ListChangeOrdersQuery {
  appId: string;
  currentPage?: number;
  pageSize?: number;
  coStatus?: number;
}

/** The SAE port. Every method throws {@link SaeError} (classified) on failure. */
export interface SaeApi {
  abortAndRollbackChangeOrder(changeOrderId: string): Promise<SaeResult<{ changeOrderId: string }>>;
  describeChangeOrder(changeOrderId: string): Promise<SaeResult<ChangeOrder>>;
  describeApplicationStatus(appId: string): Promise<SaeResult<ApplicationStatus>>;
  listChangeOrders(query: ListChangeOrdersQuery): Promise<SaeResult<ChangeOrderPage>>;
}

/** The SAE actions this code may call: the RAM policy and the least-authority checks derive from it. */
export const SAE_ACTIONS = [
  'AbortAndRollbackChangeOrder',
  'DescribeChangeOrder',
  'DescribeApplicationStatus',
  'ListChangeOrders',
] as const;
export type SaeAction = (typeof SAE_ACTIONS)[number];
