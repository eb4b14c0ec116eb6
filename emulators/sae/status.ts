/** SAE change-order status codes (DescribeChangeOrder `Status`) and their string forms. */

export const CO_STATUS = {
  PREPARED: 0,
  EXECUTING: 1,
  SUCCEEDED: 2,
  FAILED: 3,
  TERMINATED: 6,
  WAIT_MANUAL_BATCH: 8,
  WAIT_AUTO_BATCH: 9,
  SYSTEM_FAILURE: 10,
  PENDING_APPROVAL: 11,
  APPROVED: 12,
} as const;

export type CoStatus = (typeof CO_STATUS)[keyof typeof CO_STATUS];

const KNOWN = new Set<number>(Object.values(CO_STATUS));
const TERMINAL = new Set<number>([
  CO_STATUS.SUCCEEDED,
  CO_STATUS.FAILED,
  CO_STATUS.TERMINATED,
  CO_STATUS.SYSTEM_FAILURE,
]);

/** True for the documented codes (4, 5 and 7 are not documented, so the emulator refuses them). */
export function isKnownStatus(status: number): status is CoStatus {
  return KNOWN.has(status);
}

/** Terminal statuses: nothing runs any more and abort answers `Application.ChangerOrder.Not.Running`. */
export function isTerminalStatus(status: number): boolean {
  return TERMINAL.has(status);
}

/**
 * DescribeApplicationStatus `LastChangeOrderStatus`. The docs list the strings and the numbers with
 * the same descriptions in the same order but never pair them; this pairing is an inference.
 */
export const LAST_CHANGE_ORDER_STATUS: Readonly<Record<CoStatus, string>> = {
  0: 'READY',
  1: 'RUNNING',
  2: 'SUCCESS',
  3: 'FAIL',
  6: 'ABORT',
  8: 'WAIT_BATCH_CONFIRM',
  9: 'AUTO_BATCH_WAIT',
  10: 'SYSTEM_FAIL',
  11: 'WAIT_APPROVAL',
  12: 'APPROVED',
};
