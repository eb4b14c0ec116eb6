/**
 * The FC fan-out port: hand one unit of work to another function as an asynchronous FC invocation.
 * The guard uses it to give each rollback to the consumer, with a task ID derived from the change order,
 * so that FC itself refuses a second submission of the same rollback.
 */

/** What FC answered when it accepted an invocation. */
export interface AsyncInvocation {
  /** FC's request ID for the submission (`x-fc-request-id`). */
  requestId: string;
  /** The async task ID FC stored the invocation under. */
  taskId: string;
}

/** What a synchronous invocation returned (the function's result, or its error). */
export interface SyncInvocation {
  requestId: string;
  statusCode: number;
  /** The function's return value as FC serialised it. */
  body: Buffer;
  /** `X-Fc-Error-Type` (e.g. `UnhandledInvocationError`) when the function threw; the status may still be 200. */
  errorType?: string;
}

export interface InvokeAsyncOptions {
  /**
   * The async task ID (FC 3.0 `x-fc-async-task-id`, FC 2.0 `X-Fc-Stateful-Async-Invocation-Id`). FC refuses
   * a second submission with the same ID (HTTP 409), which the adapters raise as `DuplicateTaskError`.
   * Use {@link taskIdForChangeOrder} for rollbacks. The target function needs `asyncTask: true`.
   */
  taskId: string;
}

/** The port. Adapters: `Fc3Invoker` (2023-03-30 API) and `Fc2Invoker` (2016-08-15 API, `@alicloud/fc2`). */
export interface Invoker {
  /** Which API the adapter speaks, for logs. */
  readonly api: 'fc3' | 'fc2';
  /**
   * Submits `payload` as the event of an asynchronous invocation of `functionName`. Resolves once FC has
   * accepted (202) and persisted it; throws `DuplicateTaskError` if FC already has this task ID, or an
   * `InvokeError` (with `retryable`) for anything else.
   */
  invokeAsync(
    functionName: string,
    payload: Buffer | string,
    opts: InvokeAsyncOptions,
  ): Promise<AsyncInvocation>;
  /** Invokes `functionName` synchronously and returns what it returned (used by `sae-rollback invoke --remote`). */
  invokeSync(functionName: string, payload: Buffer | string): Promise<SyncInvocation>;
}

/** The FC API actions the invokers call, for the RAM policy (`fc:InvokeFunction`). */
export const FC_ACTIONS = ['InvokeFunction'] as const;
