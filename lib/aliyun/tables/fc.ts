/**
 * Function Compute InvokeFunction answers, judged by status (FC 2.0 reports it only inside its message).
 * 409 on an async invocation: FC already has a task with that ID, so the work was submitted before.
 * No status at all is a network error: the request may never have arrived.
 */
import {
  always,
  classifierOf,
  type ErrorTable,
  noStatus,
  serverOrThrottled,
  statusIs,
  Verdict,
} from '../classify.js';

export const FC_TABLE: ErrorTable = [
  { when: statusIs((s) => s === 409), is: Verdict.alreadyDone },
  { when: noStatus, is: Verdict.retryable },
  { when: serverOrThrottled, is: Verdict.retryable },
  { when: always, is: Verdict.permanent },
];

export const classifyFcFailure = classifierOf(FC_TABLE);
