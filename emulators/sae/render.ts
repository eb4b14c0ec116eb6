/** Turns emulator state into the `Data` objects of the SAE API responses (field names as on the wire). */
import { coTypeName } from './co-types.js';
import { isTerminalStatus, LAST_CHANGE_ORDER_STATUS } from './status.js';
import type { AppView, ChangeOrderView } from './types.js';

// SAE is operated from China and its samples read like Beijing time; the docs never name the zone.
const SAE_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `yyyy-MM-dd HH:mm:ss` in UTC+8, the format of SAE `CreateTime`/`FinishTime` strings. */
export function formatSaeTime(ms: number): string {
  return new Date(ms + SAE_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The status a batch shows: batches before the current one are done, later ones not started. */
function pipelineStatus(order: ChangeOrderView, index: number): number {
  if (order.status === 2) return 2;
  return index === 0 ? order.status : 0;
}

export function describeChangeOrderData(order: ChangeOrderView, app: AppView | undefined) {
  return {
    AppId: order.appId,
    AppName: app?.appName ?? '',
    ChangeOrderId: order.changeOrderId,
    CoType: coTypeName(order.coTypeCode),
    CoTypeCode: order.coTypeCode,
    CreateTime: formatSaeTime(order.createTime),
    Status: order.status,
    SubStatus: order.subStatus,
    BatchCount: order.batchCount,
    BatchType: 'auto',
    BatchWaitTime: 0,
    Auto: true,
    SupportRollback: !isTerminalStatus(order.status),
    Description: order.description,
    ErrorMessage: order.subStatus === 1 ? 'The release has an exception.' : '',
    CurrentPipelineId: order.pipelineIds[0] ?? '',
    Pipelines: order.pipelineIds.map((id, i) => ({
      PipelineId: id,
      PipelineName: `Batch ${i + 1} Change`,
      Status: pipelineStatus(order, i),
      StartTime: order.createTime,
      UpdateTime: order.updateTime,
      BatchType: 0,
      ParallelCount: 1,
    })),
  };
}

export function applicationStatusData(app: AppView, latest: ChangeOrderView | undefined) {
  const running = latest !== undefined && !isTerminalStatus(latest.status);
  return {
    AppId: app.appId,
    CurrentStatus: 'RUNNING',
    RunningInstances: app.runningInstances,
    LastChangeOrderId: latest?.changeOrderId ?? '',
    LastChangeOrderRunning: running,
    LastChangeOrderStatus: latest
      ? (LAST_CHANGE_ORDER_STATUS[latest.status as keyof typeof LAST_CHANGE_ORDER_STATUS] ?? '')
      : '',
    SubStatus: running && latest?.subStatus === 1 ? 'RUNNING_BUT_HAS_ERROR' : 'NORMAL',
    CreateTime: String(app.createTime),
    EnableAgent: false,
    FileSizeLimit: 10240,
    ArmsAdvancedEnabled: 'false',
  };
}

export function changeOrderListItem(order: ChangeOrderView) {
  return {
    ChangeOrderId: order.changeOrderId,
    AppId: order.appId,
    Status: order.status,
    CoType: coTypeName(order.coTypeCode, 'zh'),
    CoTypeCode: order.coTypeCode,
    CreateTime: formatSaeTime(order.createTime),
    // Omitted while running rather than "" or null: the real service leaves unset fields out.
    ...(order.finishTime === undefined ? {} : { FinishTime: formatSaeTime(order.finishTime) }),
    BatchCount: order.batchCount,
    BatchType: 'auto',
    Source: order.source,
    UserId: 'sae-emulator',
    CreateUserId: 'sae-emulator',
    Description: order.description,
    GroupId: '',
  };
}
