import type { AppVersion } from '../../lib/sae/app-types.js';
import type { ChangeOrderSummary } from '../../lib/sae/types.js';

/** SAE's CreateTime/FinishTime: `yyyy-MM-dd HH:mm:ss`, UTC+8. */
export const saeTime = (ms: number): string =>
  new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** A ListChangeOrders entry created at `at` (epoch ms); no `type`: SAE sent none. */
export const co = (id: string, at: number, type: string | undefined, status = 2): ChangeOrderSummary => ({
  changeOrderId: id,
  status,
  createTime: saeTime(at),
  ...(type ? { coTypeCode: type } : {}),
});

/** A ListAppVersions record created at `at` (epoch ms); `undefined`: SAE sent no CreateTime. */
export const ver = (id: string, at: number | undefined): AppVersion => ({
  versionId: id,
  ...(at === undefined ? {} : { createdAt: at, createTime: String(at) }),
});
