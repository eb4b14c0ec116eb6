/**
 * A failed InvokeFunction as an {@link InvokeError}, judged by FC's table (lib/aliyun/tables/fc.ts): a 409
 * on an async invocation is the task submitted before ({@link DuplicateTaskError}); otherwise `retryable`.
 * FC 3.0 (fc3.ts) and FC 2.0 (fc2.ts) read their SDK's error shape and hand the parts here.
 */
import { ApiErrorKind, isRetryable } from '../aliyun/classify.js';
import { classifyFcFailure } from '../aliyun/tables/fc.js';
import { DuplicateTaskError, InvokeError } from './errors.js';
import { isValidTaskId } from './task-id.js';

export function invokeFailure(
  message: string,
  o: {
    functionName: string;
    taskId: string | undefined;
    statusCode: number | undefined;
    code: string | undefined;
    requestId: string | undefined;
    cause: unknown;
  },
): InvokeError {
  const { functionName, taskId, statusCode, code, requestId, cause } = o;
  const verdict = classifyFcFailure(code ?? '', statusCode);
  if (verdict.kind === ApiErrorKind.AlreadyDone && taskId !== undefined) {
    return new DuplicateTaskError({ functionName, taskId, code, requestId, cause });
  }
  return new InvokeError(message, {
    functionName,
    statusCode,
    code,
    requestId,
    retryable: isRetryable(verdict),
    cause,
  });
}

/** Refuses an async task ID FC would reject, before anything is sent. */
export function assertTaskId(functionName: string, taskId: string): void {
  if (!isValidTaskId(taskId)) {
    throw new InvokeError(`invalid async task ID for ${functionName}`, { functionName, retryable: false });
  }
}
