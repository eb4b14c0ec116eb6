/** Errors of the FC invoker port. */

export class InvokeError extends Error {
  override readonly name: string = 'InvokeError';
  /** True when submitting again later may succeed (throttling, 5xx, network). */
  readonly retryable: boolean;
  readonly functionName: string;
  readonly statusCode: number | undefined;
  /** FC's error code (`Code` in FC 3.0 bodies, `ErrorCode` in FC 2.0 bodies), when it sent one. */
  readonly code: string | undefined;
  readonly requestId: string | undefined;

  constructor(
    message: string,
    ctx: {
      functionName: string;
      retryable: boolean;
      statusCode?: number | undefined;
      code?: string | undefined;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: ctx.cause });
    this.functionName = ctx.functionName;
    this.retryable = ctx.retryable;
    this.statusCode = ctx.statusCode;
    this.code = ctx.code;
    this.requestId = ctx.requestId;
  }
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
