/** Errors of the FC invoker port. */
import { contextError } from '../context-error.js';

/** Constructor input for {@link InvokeError}. */
export interface InvokeErrorContext {
  functionName: string;
  /** True when submitting again later may succeed (throttling, 5xx, network). */
  retryable: boolean;
  statusCode?: number | undefined;
  /** FC's error code (`Code` in FC 3.0 bodies, `ErrorCode` in FC 2.0 bodies), when it sent one. */
  code?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

export class InvokeError extends contextError<InvokeErrorContext>([
  'functionName',
  'retryable',
  'statusCode',
  'code',
  'requestId',
]) {
  override readonly name: string = 'InvokeError';
}

/**
 * FC already has an async task with this ID (HTTP 409): the work was submitted before. For a rollback this
 * is success, not failure — the first submission owns it.
 */
export class DuplicateTaskError extends InvokeError {
  override readonly name = 'DuplicateTaskError';
  readonly taskId: string;

  constructor(ctx: {
    functionName: string;
    taskId: string;
    code?: string | undefined;
    requestId?: string | undefined;
    cause?: unknown;
  }) {
    super(`FC already has async task ${ctx.taskId} for function ${ctx.functionName}`, {
      ...ctx,
      statusCode: 409,
      retryable: false,
    });
    this.taskId = ctx.taskId;
  }
}
